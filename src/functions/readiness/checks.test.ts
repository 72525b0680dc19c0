import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import * as check from "./checks.js";

const config = exampleConfig();
const replica = {
  id: config.backup.db.instanceId,
  status: "available",
  sourceId: config.primary.db.arn,
  replicationStatus: "replicating",
};

describe("readiness checks", () => {
  describe("replica", () => {
    it("passes a replicating replica of P and fails a promoted one with a fix", () => {
      expect(check.replicaExists(replica, config).verdict).toBe("pass");
      expect(check.replicaReplicating(replica).verdict).toBe("pass");
      const promoted = check.replicaExists({ ...replica, sourceId: undefined }, config);
      expect(promoted).toMatchObject({ verdict: "fail", fix: expect.stringContaining("failback") });
    });
    it("fails replication that stopped, warns while backing up", () => {
      expect(check.replicaReplicating({ ...replica, replicationStatus: "error" }).verdict).toBe("fail");
      expect(check.replicaReplicating({ ...replica, status: "backing-up" }).verdict).toBe("warn");
    });
    it("judges lag against the RPO bound, warns without data", () => {
      expect(check.replicaLag(10, 300).verdict).toBe("pass");
      expect(check.replicaLag(301, 300)).toMatchObject({ verdict: "fail", fix: expect.any(String) });
      expect(check.replicaLag(undefined, 300).verdict).toBe("warn");
    });
  });

  describe("compute", () => {
    it("checks the group's launch template and the AMI alias", () => {
      const group = {
        name: config.backup.asg.name,
        min: 0,
        max: 0,
        desired: 0,
        inService: 0,
        instanceIds: [],
        launchTemplateId: config.backup.launchTemplateId,
      };
      expect(check.backupGroup(group, config).verdict).toBe("pass");
      expect(check.backupGroup({ ...group, launchTemplateId: "lt-other" }, config).verdict).toBe("fail");
      expect(check.backupGroup(undefined, config).verdict).toBe("fail");
      const template = {
        id: config.backup.launchTemplateId,
        version: "1",
        imageId: `resolve:ssm:${config.backup.amiParameter}`,
      };
      expect(check.launchTemplate(template, config).verdict).toBe("pass");
      expect(check.launchTemplate({ ...template, imageId: "ami-0123" }, config).verdict).toBe("warn");
      expect(check.amiParameter(undefined, config.backup.amiParameter).verdict).toBe("fail");
    });
    it("fails when the failover size exceeds the vCPU quota", () => {
      expect(check.capacityQuota(1, 2, config)).toMatchObject({
        verdict: "fail",
        fix: expect.stringContaining("L-1216C47A"),
      });
      expect(check.capacityQuota(32, 2, config).verdict).toBe("pass");
    });
  });

  describe("detection", () => {
    it("fails an inverted or disabled endpoint check with what to do", () => {
      const hc = {
        id: config.dns.healthCheckId,
        disabled: false,
        inverted: false,
        resourcePath: "/health",
        observations: [],
      };
      expect(check.healthCheck(hc, config).verdict).toBe("pass");
      expect(check.healthCheck({ ...hc, inverted: true }, config).detail).toContain(
        "pilotlight never inverts it",
      );
      expect(check.healthCheck({ ...hc, disabled: true }, config).detail).toContain("disabled");
    });
    it("passes an absent latch object and fails a set one, whoever wrote it", () => {
      expect(check.latch(undefined, config).verdict).toBe("pass");
      const byHand = { deployment: "", incidentId: "", latchedAt: "", by: "", checksFingerprint: "" };
      expect(check.latch(byHand, config)).toMatchObject({
        verdict: "fail",
        detail: expect.stringContaining(`s3://${config.dns.latch.bucket}/${config.dns.latch.key} is set`),
      });
    });
    describe("latchHolds: the latch object against the latch-signal pair's answer in DNS", () => {
      const record = { deployment: "", incidentId: "demo-1", latchedAt: "", by: "", checksFingerprint: "" };
      const open = { verdict: "open" as const, server: "ns-1", detail: "ns-1 answers latch-open" };
      const holding = { verdict: "holding" as const, server: "ns-1", detail: "ns-1 answers latch-holding" };
      const unknown = { detail: "no name server answered: ETIMEOUT" };
      // object present / absent x data plane open / holding / unknown
      it.each([
        ["present", record, open, "fail"],
        ["present", record, holding, "pass"],
        ["present", record, unknown, "warn"],
        ["absent", undefined, open, "pass"],
        ["absent", undefined, holding, "warn"],
        ["absent", undefined, unknown, "warn"],
      ] as const)("latch object %s, %o -> %s", (_, latch, signal, verdict) => {
        expect(check.latchHolds(latch, signal, config).verdict).toBe(verdict);
      });
      it("a set latch that Route 53 does not see fails open, naming what to check", () => {
        expect(check.latchHolds(record, open, config)).toMatchObject({
          detail: expect.stringContaining("the latch does not hold"),
          fix: expect.stringMatching(/S3 in the backup region.*ROUTE53_HEALTHCHECKS.*terraform apply/),
        });
      });
    });
    describe("latchPolicy: the bucket policy's checker ranges against ip-ranges.json", () => {
      const published = ["54.183.255.128/26", "2600:1f1c:7ff:f800::/56"];
      it("passes a policy that allows every published range", () => {
        expect(check.latchPolicy([...published, "198.51.100.0/24"], published, config).verdict).toBe("pass");
      });
      it("fails a policy that misses a published range, naming it and the update path", () => {
        expect(check.latchPolicy([published[0] as string], published, config)).toMatchObject({
          verdict: "fail",
          detail: expect.stringContaining(
            "misses 1 of Route 53's 2 published checker ranges (2600:1f1c:7ff:f800::/56)",
          ),
          fix: expect.stringMatching(/terraform apply.*aws_ip_ranges/),
        });
      });
      it("fails a bucket without a policy: no checker can read the latch", () => {
        expect(check.latchPolicy(undefined, published, config)).toMatchObject({
          verdict: "fail",
          detail: expect.stringContaining("has no bucket policy"),
        });
      });
      it("warns when ip-ranges.json could not be fetched", () => {
        expect(check.latchPolicy(published, "This operation was aborted", config)).toMatchObject({
          verdict: "warn",
          detail: expect.stringContaining("ip-ranges.json: This operation was aborted"),
        });
      });
    });
    it("checks the alarm's metric, health check and action, and the subscription", () => {
      const alarm = {
        name: config.dns.alarm.name,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: [{ name: "HealthCheckId", value: config.dns.healthCheckId }],
        actions: [config.dns.alarm.topicArn],
        actionsEnabled: true,
      };
      expect(check.alarm(alarm, config).verdict).toBe("pass");
      expect(check.alarm({ ...alarm, actions: [] }, config).detail).toContain("does not notify");
      const fn = { arn: `arn:aws:lambda:eu-central-1:123456789012:function:${config.failover.functionName}` };
      expect(check.alarmSubscription([{ protocol: "lambda", endpoint: fn.arn }], fn, config).verdict).toBe(
        "pass",
      );
      expect(
        check.alarmSubscription([{ protocol: "email", endpoint: "ops@example.com" }], fn, config).verdict,
      ).toBe("fail");
    });
    it("lists every permission the failover steps need, and no Route 53 write", () => {
      const actions = check.requiredFailoverPermissions(config).map((p) => p.action);
      expect(actions).not.toContain("route53:UpdateHealthCheck");
      expect(actions).toEqual(
        expect.arrayContaining([
          "rds:PromoteReadReplica",
          "autoscaling:UpdateAutoScalingGroup",
          "s3:PutObject",
          "dynamodb:PutItem",
          "sns:Publish",
        ]),
      );
    });
  });
});
