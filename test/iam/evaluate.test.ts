import { describe, expect, it } from "vitest";
import type { RecordedCall } from "../../src/aws/call-recorder.js";
import { evaluateContract, type ProgramPolicy } from "./evaluate.js";

const TABLE = "arn:aws:dynamodb:eu-central-1:123456789012:table/d-failover-lock";
const scope = { partition: "aws", account: "123456789012" };
const arm: RecordedCall = {
  program: "readiness",
  action: "dynamodb:PutItem",
  region: "eu-central-1",
  resource: { TableName: "d-failover-lock" },
};
const read: RecordedCall = { ...arm, action: "dynamodb:GetItem" };

const readiness = (
  statements: ProgramPolicy["policies"][number]["document"]["Statement"],
  whys = {},
): ProgramPolicy => ({
  program: "readiness",
  principalArn: "arn:aws:iam::123456789012:role/d-readiness",
  policies: [{ name: "readiness", document: { Version: "2012-10-17", Statement: statements } }],
  whys,
});

describe("IAM contract evaluation", () => {
  describe("evaluateContract", () => {
    it("denies the readiness arming under 6f04e17's lock grant (GetItem, DescribeTable) and finds DescribeTable unused", async () => {
      // Prepare: the Lock statement of terraform/modules/readiness/main.tf at 6f04e17
      const policy = readiness([
        {
          Sid: "Lock",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:DescribeTable"],
          Resource: [TABLE],
        },
      ]);
      // Act
      const r = await evaluateContract([read, arm], policy, scope);
      // Assess
      expect(r.denied).toEqual([
        { action: "dynamodb:PutItem", resource: TABLE, region: "eu-central-1", result: "ImplicitlyDenied" },
      ]);
      expect(r.unused).toEqual(["Lock: dynamodb:DescribeTable"]);
    });

    it("allows both under today's grant (GetItem, PutItem) and leaves nothing unused", async () => {
      const policy = readiness([
        { Sid: "Lock", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: [TABLE] },
      ]);
      const r = await evaluateContract([read, arm], policy, scope);
      expect(r).toMatchObject({
        calls: 2,
        denied: [],
        unused: [],
        used: ["dynamodb:GetItem", "dynamodb:PutItem"],
      });
    });

    it("denies a call on another table than the grant names", async () => {
      const policy = readiness([
        { Sid: "Lock", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [TABLE] },
      ]);
      const r = await evaluateContract([{ ...arm, resource: { TableName: "other" } }], policy, scope);
      expect(r.denied.map((d) => d.resource)).toEqual([
        "arn:aws:dynamodb:eu-central-1:123456789012:table/other",
      ]);
    });

    it("accepts an unused grant whose statement names the path that needs it (why)", async () => {
      const policy = readiness(
        [
          { Sid: "Lock", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [TABLE] },
          { Sid: "Tracing", Effect: "Allow", Action: ["xray:PutTraceSegments"], Resource: ["*"] },
        ],
        { Tracing: "active tracing: the Lambda runtime sends the segments" },
      );
      const r = await evaluateContract([arm], policy, scope);
      expect(r.unused).toEqual([]);
    });

    it("allows a read of AWS's public AMI parameter (account-less ARN, as AWS's docs write it)", async () => {
      const ami = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
      const policy = readiness([
        {
          Sid: "Ami",
          Effect: "Allow",
          Action: ["ssm:GetParameter"],
          Resource: [`arn:aws:ssm:eu-central-1::parameter${ami}`],
        },
      ]);
      const call: RecordedCall = { ...arm, action: "ssm:GetParameter", resource: { Name: ami } };
      const r = await evaluateContract([call], policy, scope);
      expect(r.denied).toEqual([]);
    });

    it("evaluates only the calls of its program", async () => {
      const policy = readiness([
        { Sid: "Lock", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: [TABLE] },
      ]);
      const r = await evaluateContract([read, { ...arm, program: "failover" }], policy, scope);
      expect(r).toMatchObject({ calls: 1, denied: [] });
    });
  });
});
