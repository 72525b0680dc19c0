import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PromoteReadReplicaCommand, RDSClient } from "@aws-sdk/client-rds";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { CALL_LOG_ENV, iamAction, type RecordedCall, recordCalls } from "./call-recorder.js";

// static credentials: the SDK resolves them before the build step; nothing leaves the process
const offline = { region: "eu-central-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };

/** Answers every call at the build step, before any network: the recorder runs at initialize. */
function answerLocally<C extends { middlewareStack: DynamoDBClient["middlewareStack"] }>(client: C): C {
  client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), {
    step: "build",
    name: "answerLocally",
  });
  return client;
}

const readLog = (file: string): RecordedCall[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordedCall);

describe("call recorder", () => {
  describe("recordCalls", () => {
    it("appends the program, IAM action, region and the resource-naming input fields, not the item", async () => {
      // Prepare
      const file = join(mkdtempSync(join(tmpdir(), "calls-")), "calls.jsonl");
      const env = { [CALL_LOG_ENV]: file };
      const ddb = answerLocally(recordCalls(new DynamoDBClient(offline), "readiness", env));
      const rds = answerLocally(recordCalls(new RDSClient(offline), "failover", env));
      // Act
      await ddb.send(
        new PutItemCommand({ TableName: "d-failover-lock", Item: { deployment: { S: "secret" } } }),
      );
      await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: "d-replica" }));
      // Assess
      expect(readLog(file)).toEqual([
        {
          program: "readiness",
          action: "dynamodb:PutItem",
          region: "eu-central-1",
          resource: { TableName: "d-failover-lock" },
        },
        {
          program: "failover",
          action: "rds:PromoteReadReplica",
          region: "eu-central-1",
          resource: { DBInstanceIdentifier: "d-replica" },
        },
      ]);
    });

    it("records a document client's command as the DynamoDB action it sends", async () => {
      // Prepare
      const file = join(mkdtempSync(join(tmpdir(), "calls-")), "calls.jsonl");
      const base = answerLocally(recordCalls(new DynamoDBClient(offline), "cli", { [CALL_LOG_ENV]: file }));
      // Act
      await DynamoDBDocumentClient.from(base).send(
        new PutCommand({ TableName: "t", Item: { deployment: "d" } }),
      );
      // Assess
      expect(readLog(file).map((c) => c.action)).toEqual(["dynamodb:PutItem"]);
    });

    it("adds nothing when the log variable is unset (production)", () => {
      // Prepare
      const client = new DynamoDBClient(offline);
      const before = client.middlewareStack.identify().length;
      // Act
      recordCalls(client, "failover", {});
      // Assess
      expect(client.middlewareStack.identify()).toHaveLength(before);
    });
  });

  describe("iamAction", () => {
    it.each([
      [
        "ElasticLoadBalancingV2Client",
        "DescribeTargetHealthCommand",
        "elasticloadbalancing:DescribeTargetHealth",
      ],
      ["AutoScalingClient", "UpdateAutoScalingGroupCommand", "autoscaling:UpdateAutoScalingGroup"],
      ["ServiceQuotasClient", "GetServiceQuotaCommand", "servicequotas:GetServiceQuota"],
      ["Route53Client", "GetHealthCheckStatusCommand", "route53:GetHealthCheckStatus"],
    ])("%s %s is %s", (client, command, action) => {
      expect(iamAction(client, command)).toBe(action);
    });
  });
});
