// The readiness runner over fakes, and the IAM policy simulation through the real adapter with
// aws-sdk-client-mock: the emulator does not implement SimulatePrincipalPolicy, AWS does.

import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { memoryLockPort } from "../../../test/fixtures/memory-lock.js";
import { LATCH_SIGNAL_VALUES, type LatchSignal } from "../../core/route53.js";
import { armRecord, type LockRecord } from "../shared/lock-record.js";
import type { HealthCheckState, LatchRecord } from "../shared/ports.js";
import { iamPermissionsPort } from "./aws-ports.js";
import { createReadinessHandler } from "./index.js";
import type { ReadinessPorts } from "./ports.js";
import { runReadiness } from "./run.js";

const config = exampleConfig();
const iam = mockClient(IAMClient);
const roleArn = "arn:aws:iam::123456789012:role/demo-failover";

function fakePorts(
  overrides: {
    hc?: Partial<HealthCheckState>;
    latch?: LatchRecord;
    /** What the latch-signal pair answers; by default what Route 53 answers for `latch`. */
    latchSignal?: LatchSignal;
    lock?: LockRecord;
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
