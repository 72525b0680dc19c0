// The readiness checks against the moto server, with the function deployed and subscribed as
// Terraform does it. APIs moto lacks (IAM policy simulation) must come out as warnings, never as
// a false pass; their behaviour on AWS is tested with SDK mocks in run.mock.test.ts.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { Route53Client, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeployment, FIXTURE_CHECKER_CIDRS } from "../../../test/fixtures/deployment.js";
import { createReadinessPorts } from "./aws-ports.js";
import type { CheckName, Verdict } from "./checks.js";
import { type ReadinessReport, runReadiness } from "./run.js";

describe("readiness (moto)", () => {
  let report: ReadinessReport;
  let verdicts: Partial<Record<CheckName, Verdict>>;
  let fixture: Awaited<ReturnType<typeof createDeployment>>;
  // ip-ranges.json as AWS shapes it, with the ranges the fixture's latch bucket policy allows
  const ipRanges = createServer((_, res) =>
    res.end(
      JSON.stringify({
        prefixes: FIXTURE_CHECKER_CIDRS.filter((c) => !c.includes(":")).map((ip_prefix) => ({
          ip_prefix,
          service: "ROUTE53_HEALTHCHECKS",
        })),
        ipv6_prefixes: FIXTURE_CHECKER_CIDRS.filter((c) => c.includes(":")).map((ipv6_prefix) => ({
          ipv6_prefix,
          service: "ROUTE53_HEALTHCHECKS",
        })),
      }),
    ),
  );
  let ipRangesUrl = "";
  const ports = () => createReadinessPorts(fixture.config, undefined, undefined, { ipRangesUrl });
  afterAll(() => ipRanges.close());

  beforeAll(async () => {
    await new Promise<void>((resolve) => ipRanges.listen(0, "127.0.0.1", resolve));
    ipRangesUrl = `http://127.0.0.1:${(ipRanges.address() as AddressInfo).port}/ip-ranges.json`;
    fixture = await createDeployment({ deployment: "rd-int" });
    const { config } = fixture;
    const role = await new IAMClient({ region: "us-east-1" }).send(
      new CreateRoleCommand({
        RoleName: `${config.deployment}-failover`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    const fn = await new LambdaClient({ region: config.backup.region }).send(
      new CreateFunctionCommand({
        FunctionName: config.failover.functionName,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Role: role.Role?.Arn,
        Code: { ZipFile: zipSync({ "index.mjs": strToU8("export const handler = async () => {};") }) },
      }),
    );
    await new SNSClient({ region: "us-east-1" }).send(
      new SubscribeCommand({
        TopicArn: config.dns.alarm.topicArn,
        Protocol: "lambda",
        Endpoint: fn.FunctionArn,
      }),
    );
    report = await runReadiness(ports(), config);
    verdicts = Object.fromEntries(report.checks.map((c) => [c.name, c.verdict]));
  });

  it("passes what moto can prove", () => {
    expect(verdicts).toMatchObject({
      "replica-exists": "pass",
      "backup-asg": "pass",
      "ami-parameter": "pass",
      "health-check": "pass",
      latch: "pass",
      // no latch, and the local name servers answer the latch-signal pair with latch-open
      "latch-holds": "pass",
      // GetBucketPolicy of the latch bucket against the served ranges
      "latch-policy": "pass",
      alarm: "pass",
      "alarm-subscription": "pass",
      armed: "pass",
    });
  });

  it("warns where moto has no data or no API, with the reason", () => {
    expect(verdicts["replica-lag"]).toBe("warn");
    expect(verdicts["failover-permissions"]).toBe("warn");
    expect(report.checks.find((c) => c.name === "failover-permissions")?.detail).toMatch(/not implemented/);
    // the fixture pins a literal AMI: readiness recommends the SSM alias
    expect(verdicts["launch-template"]).toBe("warn");
  });

  it("is ready (no failed check) and armed the failover in the lock table", async () => {
    expect(report.checks.filter((c) => c.verdict === "fail")).toEqual([]);
    expect(report.ready).toBe(true);
    // the test's own look (a plain client): only the function's calls are recorded for the IAM contract
    const item = await new DynamoDBClient({ region: fixture.config.backup.region }).send(
      new GetItemCommand({
        TableName: fixture.config.failover.lockTableName,
        Key: { deployment: { S: fixture.config.deployment } },
      }),
    );
    expect(item.Item?.state?.S).toBe("armed");
  });

  it("fails the health-check check while P's endpoint check is inverted by hand, and does not arm", async () => {
    const { config } = fixture;
    // the inversion is the test's doing (a plain client), as an operator's by hand would be
    const route53 = new Route53Client({ region: "us-east-1" });
    await route53.send(
      new UpdateHealthCheckCommand({ HealthCheckId: config.dns.healthCheckId, Inverted: true }),
    );
    const during = await runReadiness(ports(), config);
    await route53.send(
      new UpdateHealthCheckCommand({ HealthCheckId: config.dns.healthCheckId, Inverted: false }),
    );
    expect(during.checks.find((c) => c.name === "health-check")).toMatchObject({
      verdict: "fail",
      fix: expect.stringContaining("Inverted=false"),
    });
    expect(during.ready).toBe(false);
  });

  it("fails the latch check while the latch object exists in B, read with GetObject", async () => {
    const { config } = fixture;
    // the failover's write, made here with a plain client (not a call of the readiness function)
    const s3 = new S3Client({ region: config.backup.region });
    const object = { Bucket: config.dns.latch.bucket, Key: config.dns.latch.key };
    await s3.send(new PutObjectCommand({ ...object, Body: JSON.stringify({ incidentId: "int-1" }) }));
    const during = await runReadiness(ports(), config);
    await s3.send(new DeleteObjectCommand(object));
    expect(during.checks.find((c) => c.name === "latch")).toMatchObject({
      verdict: "fail",
      detail: expect.stringContaining("incident int-1"),
    });
    // the latch-signal pair answers latch-holding from the checkers' reading of the same object
    expect(during.checks.find((c) => c.name === "latch-holds")).toMatchObject({
      verdict: "pass",
      detail: expect.stringContaining("answers latch-holding"),
    });
  });
});
