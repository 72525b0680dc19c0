// The readiness runner over fakes, and the IAM policy simulation through the real adapter with
// aws-sdk-client-mock: the emulator does not implement SimulatePrincipalPolicy, AWS does.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { memoryLockPort } from "../../../test/fixtures/memory-lock.js";
import { LATCH_SIGNAL_VALUES, type LatchSignal } from "../../core/route53.js";
import { armRecord, type LockRecord } from "../shared/lock-record.js";
import type { HealthCheckState, LatchRecord } from "../shared/ports.js";
import { iamPermissionsPort, LATCH_CHECKERS_SID, latchPolicyPort } from "./aws-ports.js";
import { createReadinessHandler } from "./index.js";
import type { ReadinessPorts } from "./ports.js";
import { runReadiness } from "./run.js";

const config = exampleConfig();
const PUBLISHED = ["54.183.255.128/26", "2600:1f1c:7ff:f800::/56"];
const iam = mockClient(IAMClient);
const roleArn = "arn:aws:iam::123456789012:role/demo-failover";

function fakePorts(
  overrides: {
    hc?: Partial<HealthCheckState>;
    latch?: LatchRecord;
    /** What the latch-signal pair answers; by default what Route 53 answers for `latch`. */
    latchSignal?: LatchSignal;
    lock?: LockRecord;
    /** The latch bucket policy's checker CIDRs; by default the published ones. */
    policyCidrs?: string[];
    simulate?: ReadinessPorts["permissions"];
  } = {},
) {
  const lock = memoryLockPort(overrides.lock);
  const ports: ReadinessPorts = {
    database: {
      describe: async (id) => ({
        id,
        status: "available",
        sourceId: config.primary.db.arn,
        replicationStatus: "replicating",
      }),
      promote: async () => {},
      replicaLagSeconds: async () => 2,
    },
    capacity: {
      describe: async (name) => ({
        name,
        min: 0,
        max: 0,
        desired: 0,
        inService: 0,
        instanceIds: [],
        launchTemplateId: config.backup.launchTemplateId,
        launchTemplateVersion: "$Latest",
      }),
      scale: async () => {},
    },
    healthCheck: {
      describe: async (id) => ({
        id,
        disabled: false,
        inverted: false,
        resourcePath: "/health",
        observations: [{ region: "us-east-1", healthy: true, status: "Success: HTTP Status Code 200, OK" }],
        ...overrides.hc,
      }),
    },
    latch: { read: async () => overrides.latch },
    latchSignal: async () => {
      const verdict = overrides.latchSignal ?? (overrides.latch ? "holding" : "open");
      return { verdict, server: "ns-1", detail: `ns-1 answers ${LATCH_SIGNAL_VALUES[verdict]}` };
    },
    latchPolicy: {
      checkerCidrs: async () => ("policyCidrs" in overrides ? overrides.policyCidrs : PUBLISHED),
      publishedCheckerCidrs: async () => PUBLISHED,
    },
    lock,
    launch: {
      template: async (id) => ({
        id,
        version: "1",
        imageId: `resolve:ssm:${config.backup.amiParameter}`,
        instanceType: "t3.small",
      }),
      parameter: async () => "ami-0123456789abcdef0",
      vcpus: async () => 2,
    },
    detection: {
      alarm: async (name) => ({
        name,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: [{ name: "HealthCheckId", value: config.dns.healthCheckId }],
        actions: [config.dns.alarm.topicArn],
        actionsEnabled: true,
        state: "OK",
      }),
      subscriptions: async () => [
        {
          protocol: "lambda",
          endpoint: `arn:aws:lambda:eu-central-1:123456789012:function:${config.failover.functionName}`,
        },
      ],
      function: async () => ({
        arn: `arn:aws:lambda:eu-central-1:123456789012:function:${config.failover.functionName}`,
        roleArn,
      }),
    },
    permissions: overrides.simulate ?? { denied: async () => [] },
    quota: { onDemandStandardVcpus: async () => 32 },
    clock: { now: () => Date.now(), sleep: async () => {} },
  };
  return { ports, lock };
}

describe("readiness runner", () => {
  afterEach(() => iam.reset());

  describe("runReadiness", () => {
    it("passes every check of a ready deployment and arms the failover", async () => {
      const { ports, lock } = fakePorts();
      const report = await runReadiness(ports, config);
      expect(report.checks.map((c) => [c.name, c.verdict]).filter(([, v]) => v !== "pass")).toEqual([]);
      expect(report.ready).toBe(true);
      expect(lock.items.get(config.deployment)?.state).toBe("armed");
    });

    it("does not arm while P's health check is inverted (by hand: pilotlight never inverts it)", async () => {
      const { ports, lock } = fakePorts({ hc: { inverted: true } });
      const report = await runReadiness(ports, config);
      expect(lock.items.get(config.deployment)).toBeUndefined();
      expect(report.ready).toBe(false);
      expect(report.checks.find((c) => c.name === "armed")?.verdict).toBe("fail");
    });

    it("reports the latch set from the object in B, naming the incident that wrote it", async () => {
      const latch = {
        deployment: config.deployment,
        incidentId: "demo-1",
        latchedAt: "2026-12-03T10:00:00.000Z",
        by: "pilotlight failover (alarm)",
        checksFingerprint: config.dns.latch.checksFingerprint,
      };
      const { ports } = fakePorts({ latch });
      const report = await runReadiness(ports, config);
      expect(report.checks.find((c) => c.name === "latch")).toMatchObject({
        verdict: "fail",
        detail: expect.stringContaining("incident demo-1"),
        fix: expect.stringContaining("failback"),
      });
      expect(report.ready).toBe(false);
    });

    it("fails when the latch object is set but Route 53's data plane answers latch-open", async () => {
      const latch = {
        deployment: config.deployment,
        incidentId: "demo-1",
        latchedAt: "2026-12-03T10:00:00.000Z",
        by: "pilotlight failover (alarm)",
        checksFingerprint: config.dns.latch.checksFingerprint,
      };
      const { ports } = fakePorts({ latch, latchSignal: "open" });
      const report = await runReadiness(ports, config);
      expect(report.checks.find((c) => c.name === "latch-holds")).toMatchObject({
        verdict: "fail",
        detail: expect.stringContaining("the latch does not hold"),
      });
    });

    it("keeps an open incident as it is and warns", async () => {
      const incident = {
        ...(armRecord(undefined, config.deployment, "t", 0) as LockRecord),
        state: "completed" as const,
        incidentId: "demo-1",
      };
      const { ports, lock } = fakePorts({ lock: incident });
      const report = await runReadiness(ports, config);
      expect(lock.items.get(config.deployment)?.state).toBe("completed");
      expect(report.checks.find((c) => c.name === "armed")).toMatchObject({ verdict: "warn" });
    });

    it("turns a check whose API fails into a failure with a fix, and an unimplemented API into a warning", async () => {
      const { ports } = fakePorts();
      ports.quota.onDemandStandardVcpus = async () => {
        throw Object.assign(new Error("The GetServiceQuota action has not been implemented"), {
          name: "NotImplemented",
        });
      };
      ports.detection.alarm = async () => {
        throw Object.assign(new Error("User is not authorized to perform cloudwatch:DescribeAlarms"), {
          name: "AccessDenied",
        });
      };
      const report = await runReadiness(ports, config);
      expect(report.checks.find((c) => c.name === "capacity-quota")?.verdict).toBe("warn");
      expect(report.checks.find((c) => c.name === "alarm")).toMatchObject({
        verdict: "fail",
        fix: expect.stringContaining("readiness"),
      });
    });
  });

  describe("failover-permissions (IAM SimulatePrincipalPolicy, SDK mock modelling AWS)", () => {
    it("fails naming each denied action", async () => {
      // AWS answers one EvaluationResult per action; deny PromoteReadReplica only
      iam.on(SimulatePrincipalPolicyCommand).callsFake((input) => ({
        EvaluationResults: [
          {
            EvalActionName: input.ActionNames[0],
            EvalResourceName: input.ResourceArns[0],
            EvalDecision: input.ActionNames[0] === "rds:PromoteReadReplica" ? "implicitDeny" : "allowed",
          },
        ],
      }));
      const { ports } = fakePorts({ simulate: iamPermissionsPort(new IAMClient({ region: "us-east-1" })) });
      const report = await runReadiness(ports, config);
      const result = report.checks.find((c) => c.name === "failover-permissions");
      expect(result).toMatchObject({
        verdict: "fail",
        fix: expect.stringContaining("terraform/modules/failover"),
      });
      expect(result?.detail).toContain("rds:PromoteReadReplica");
      expect(result?.detail).not.toContain("autoscaling:UpdateAutoScalingGroup");
      expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input.PolicySourceArn).toBe(
        roleArn,
      );
    });

    it("passes when every action is allowed", async () => {
      iam
        .on(SimulatePrincipalPolicyCommand)
        .resolves({ EvaluationResults: [{ EvalActionName: "x", EvalDecision: "allowed" }] });
      const { ports } = fakePorts({ simulate: iamPermissionsPort(new IAMClient({ region: "us-east-1" })) });
      const report = await runReadiness(ports, config);
      expect(report.checks.find((c) => c.name === "failover-permissions")?.verdict).toBe("pass");
    });
  });

  describe("latch-policy (S3 GetBucketPolicy through an SDK mock, ip-ranges.json from a local server)", () => {
    const s3 = mockClient(S3Client);
    let server: Server | undefined;
    afterEach(() => {
      s3.reset();
      server?.closeAllConnections();
      server?.close();
      server = undefined;
    });
    /** Serves `body` as ip-ranges.json, or never answers (a hung fetch) when undefined. */
    async function ipRanges(body?: object): Promise<string> {
      server = createServer((_, res) => {
        if (body) res.end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ip-ranges.json`;
    }
    // the shape of ip-ranges.json (VPC User Guide, "Syntax for AWS IP address range JSON")
    const document = {
      syncToken: "1765152000",
      createDate: "2026-12-08-00-00-00",
      prefixes: [
        { ip_prefix: "54.183.255.128/26", region: "us-west-1", service: "ROUTE53_HEALTHCHECKS" },
        { ip_prefix: "54.228.16.0/26", region: "eu-west-1", service: "ROUTE53_HEALTHCHECKS" },
        { ip_prefix: "3.5.140.0/22", region: "ap-northeast-2", service: "AMAZON" },
      ],
      ipv6_prefixes: [
        { ipv6_prefix: "2600:1f1c:7ff:f800::/56", region: "us-west-1", service: "ROUTE53_HEALTHCHECKS" },
      ],
    };
    const policy = (cidrs: string | string[]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" },
          {
            Sid: LATCH_CHECKERS_SID,
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: `arn:aws:s3:::${config.dns.latch.bucket}/${config.dns.latch.key}`,
            Condition: { IpAddress: { "aws:SourceIp": cidrs } },
          },
        ],
      });

    it("reports drift: a published checker range the frozen policy does not allow", async () => {
      // GetBucketPolicy answers the policy as a JSON string (API_GetBucketPolicy, Policy)
      s3.on(GetBucketPolicyCommand, { Bucket: config.dns.latch.bucket }).resolves({
        Policy: policy(["54.183.255.128/26", "2600:1f1c:7ff:f800::/56"]),
      });
      const port = latchPolicyPort(new S3Client({ region: config.backup.region }), config.dns.latch.bucket, {
        ipRangesUrl: await ipRanges(document),
        timeoutMs: 2000,
      });
      const { ports } = fakePorts();
      const report = await runReadiness({ ...ports, latchPolicy: port }, config);
      expect(report.checks.find((c) => c.name === "latch-policy")).toMatchObject({
        verdict: "fail",
        detail: expect.stringContaining("(54.228.16.0/26)"),
        fix: expect.stringContaining("terraform apply"),
      });
      expect(report.ready).toBe(false);
    });

    it("reads a single-string aws:SourceIp and ignores other services' ranges", async () => {
      const port = latchPolicyPort(new S3Client({ region: config.backup.region }), config.dns.latch.bucket, {
        ipRangesUrl: await ipRanges(document),
        timeoutMs: 2000,
      });
      s3.on(GetBucketPolicyCommand).resolves({ Policy: policy("54.228.16.0/26") });
      expect(await port.checkerCidrs()).toEqual(["54.228.16.0/26"]);
      expect(await port.publishedCheckerCidrs()).toEqual([
        "54.183.255.128/26",
        "54.228.16.0/26",
        "2600:1f1c:7ff:f800::/56",
      ]);
    });

    it("reads a bucket without a policy as none (NoSuchBucketPolicy, 404), which fails the check", async () => {
      // API_GetBucketPolicy: a bucket with no policy answers 404 NoSuchBucketPolicy
      s3.on(GetBucketPolicyCommand).rejects(
        new S3ServiceException({
          name: "NoSuchBucketPolicy",
          $fault: "client",
          message: "The bucket policy does not exist",
          $metadata: { httpStatusCode: 404 },
        }),
      );
      const port = latchPolicyPort(new S3Client({ region: config.backup.region }), config.dns.latch.bucket, {
        ipRangesUrl: await ipRanges(document),
        timeoutMs: 2000,
      });
      expect(await port.checkerCidrs()).toBeUndefined();
      const { ports } = fakePorts();
      const report = await runReadiness({ ...ports, latchPolicy: port }, config);
      expect(report.checks.find((c) => c.name === "latch-policy")?.detail).toContain("has no bucket policy");
    });

    it("warns, not fails, when ip-ranges.json does not answer within the timeout", async () => {
      s3.on(GetBucketPolicyCommand).resolves({ Policy: policy(["54.183.255.128/26"]) });
      const port = latchPolicyPort(new S3Client({ region: config.backup.region }), config.dns.latch.bucket, {
        ipRangesUrl: await ipRanges(),
        timeoutMs: 500,
      });
      const { ports } = fakePorts();
      const started = Date.now();
      const report = await runReadiness({ ...ports, latchPolicy: port }, config);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(report.checks.find((c) => c.name === "latch-policy")).toMatchObject({
        verdict: "warn",
        detail: expect.stringContaining("ip-ranges.json"),
      });
    });
  });

  describe("handler", () => {
    it("publishes one ReadinessCheck metric per check and Ready overall", async () => {
      // Prepare: EMF lines go to stdout
      const emf: Array<Record<string, unknown>> = [];
      vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        const text = String(chunk).trim();
        if (text.startsWith("{") && text.includes("CloudWatchMetrics")) emf.push(JSON.parse(text));
        return true;
      });
      vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
      const { ports } = fakePorts();
      const handler = createReadinessHandler({
        loadConfig: async () => config,
        ports: () => ports,
        logger: new Logger({ logLevel: "SILENT" }),
        metrics: new Metrics({ namespace: "Pilotlight", serviceName: "pilotlight-readiness" }),
      });
      // Act
      const report = await handler();
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
      // Assess
      expect(report.ready).toBe(true);
      const perCheck = emf.filter((d) => "check" in d && d.ReadinessCheck === 1).map((d) => d.check);
      expect(perCheck).toHaveLength(report.checks.length);
      expect(emf.find((d) => "Ready" in d)).toMatchObject({ Ready: 1, service: "pilotlight-readiness" });
    });
  });
});
