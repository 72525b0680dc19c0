import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import {
  CreateHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import {
  CreateBucketCommand,
  GetObjectCommand,
  NoSuchKey,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { CLOUDWATCH_PROTOCOL } from "../aws/clients.js";
import { isRunning, readEmulator, startEmulator, stopEmulator } from "./emulator.js";
import { setCheckerReport, setDbInstanceStatus, setPromotionSeconds } from "./emulator-control.js";
import { readFaults } from "./fault-proxy-control.js";

describe("emulator launcher", () => {
  it("starts moto on a free loopback port behind the fault proxy, answers, and stops both by pid", async () => {
    // Prepare
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emu-test-"));

    // Act
    const emulator = await startEmulator(stateDir);
    const answer = await fetch(`${emulator.endpoint}/moto-api/data.json`);
    const faults = await readFaults(emulator.endpoint);
    const stopped = stopEmulator(stateDir);
    await new Promise((r) => setTimeout(r, 500));

    // Assess
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.endpoint).not.toBe(emulator.motoEndpoint);
    expect(answer.ok).toBe(true);
    expect(faults).toEqual({});
    expect(stopped).toBe(true);
    expect(readEmulator(stateDir)).toBeUndefined();
    expect(isRunning(emulator.pid)).toBe(false);
    expect(isRunning(emulator.proxyPid)).toBe(false);
  });

  it("starts moto alone when asked for no fault proxy", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emu-test-"));
    const emulator = await startEmulator(stateDir, { faultProxy: false });
    try {
      expect(emulator.endpoint).toBe(emulator.motoEndpoint);
      expect(emulator.proxyPid).toBeUndefined();
      await expect(readFaults(emulator.endpoint)).rejects.toThrow(/has no fault proxy in front/);
    } finally {
      stopEmulator(stateDir);
    }
  });

  it("refuses a second start from the same state directory", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emu-test-"));
    await startEmulator(stateDir);
    try {
      await expect(startEmulator(stateDir)).rejects.toThrow(/still runs .* stop it first/);
    } finally {
      stopEmulator(stateDir);
    }
  });
});

/** A primary in eu-west-1 and its replica in eu-central-1, created from the primary's ARN. */
async function replicaPair(prefix: string, endpoint?: string) {
  const primaryRds = new RDSClient({ region: "eu-west-1", ...(endpoint ? { endpoint } : {}) });
  const backupRds = new RDSClient({ region: "eu-central-1", ...(endpoint ? { endpoint } : {}) });
  const id = `${prefix}-${Date.now()}`;
  const primary = await primaryRds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${id}-primary`,
      DBInstanceClass: "db.t4g.micro",
      Engine: "postgres",
      MasterUsername: "app",
      MasterUserPassword: "local-only-password",
      AllocatedStorage: 20,
    }),
  );
  await backupRds.send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: `${id}-replica`,
      SourceDBInstanceIdentifier: primary.DBInstance?.DBInstanceArn,
      DBInstanceClass: "db.t4g.micro",
    }),
  );
  const describe = async (rds: RDSClient, which: "primary" | "replica") =>
    (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${id}-${which}` })))
      .DBInstances?.[0];
  return {
    primaryRds,
    backupRds,
    primaryArn: primary.DBInstance?.DBInstanceArn,
    replicaId: `${id}-replica`,
    promote: () => backupRds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: `${id}-replica` })),
    replica: () => describe(backupRds, "replica"),
    primary: () => describe(primaryRds, "primary"),
  };
}

// RDS API Reference, PromoteReadReplica; RDS User Guide, "Promoting a read replica to be a
// standalone DB instance" and "Viewing instance status" (available, backing-up, modifying).
describe("moto RDS patch (src/local/moto_server.py)", () => {
  it("makes a promoted cross-region replica standalone and refuses a second promotion as AWS does", async () => {
    // Prepare
    const pair = await replicaPair("patch");
    const before = await pair.replica();

    // Act
    await pair.promote();
    const after = await pair.replica();
    const source = await pair.primary();
    const second = pair.promote().catch((err: unknown) => err);

    // Assess
    expect(before?.ReadReplicaSourceDBInstanceIdentifier).toBe(pair.primaryArn);
    expect(after?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(after?.DBInstanceStatus).toBe("available");
    // RDS API reference, DBInstanceStatusInfo: a read replica reports "read replication" status
    expect(before?.StatusInfos).toEqual([
      { StatusType: "read replication", Status: "replicating", Normal: true },
    ]);
    expect(after?.StatusInfos ?? []).toEqual([]);
    expect(source?.ReadReplicaDBInstanceIdentifiers ?? []).toEqual([]);
    // The SDK surfaces the AWS error code InvalidDBInstanceState as InvalidDBInstanceStateFault.
    expect(await second).toMatchObject({ name: "InvalidDBInstanceStateFault" });
  });

  it("refuses to promote a replica held in backing-up (InvalidDBInstanceState), and promotes it once released", async () => {
    // "a read replica cannot be promoted to a standalone instance when it is in the backing-up status"
    // Prepare
    const endpoint = inject("awsEndpoint");
    const pair = await replicaPair("backing-up");
    await setDbInstanceStatus(endpoint, "eu-central-1", pair.replicaId, "backing-up");

    // Act
    const held = await pair.replica();
    const refused = await pair.promote().catch((err: unknown) => err);
    const stillReplica = await pair.replica();
    await setDbInstanceStatus(endpoint, "eu-central-1", pair.replicaId, "available");
    await pair.promote();

    // Assess
    expect(held?.DBInstanceStatus).toBe("backing-up");
    expect(refused).toMatchObject({ name: "InvalidDBInstanceStateFault" });
    expect(String((refused as Error).message)).toMatch(/backing-up/);
    expect(stillReplica?.ReadReplicaSourceDBInstanceIdentifier).toBe(pair.primaryArn);
    expect((await pair.replica())?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
  });

  it("names what is wrong in a control request", async () => {
    const endpoint = inject("awsEndpoint");
    await expect(setDbInstanceStatus(endpoint, "eu-central-1", "no-such-db", "backing-up")).rejects.toThrow(
      /404: no DB instance 'no-such-db' in region 'eu-central-1'/,
    );
    await expect(setDbInstanceStatus(endpoint, "eu-central-1", "x", "rebooting" as never)).rejects.toThrow(
      /status must be one of backing-up, available/,
    );
    await expect(setPromotionSeconds(endpoint, -1)).rejects.toThrow(/seconds must be a number >= 0/);
  });

  it("delays the promotion of one replica only when the control request names it", async () => {
    // Prepare: the shared emulator promotes at once; this replica takes 2 s
    const endpoint = inject("awsEndpoint");
    const slow = await replicaPair("slow-one");
    const other = await replicaPair("instant-other");
    await setPromotionSeconds(endpoint, 2, slow.replicaId);

    // Act
    await slow.promote();
    await other.promote();
    const during = await slow.replica();

    // Assess
    expect(during?.DBInstanceStatus).toBe("modifying");
    expect(during?.ReadReplicaSourceDBInstanceIdentifier).toBe(slow.primaryArn);
    expect((await other.replica())?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    await vi.waitFor(
      async () => expect((await slow.replica())?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined(),
      { timeout: 10_000, interval: 250 },
    );
  });

  it("lets a source forget a deleted cross-region replica", async () => {
    // Prepare
    const pair = await replicaPair("delete");

    // Act
    await pair.backupRds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: pair.replicaId, SkipFinalSnapshot: true }),
    );

    // Assess
    expect((await pair.primary())?.ReadReplicaDBInstanceIdentifiers ?? []).toEqual([]);
  });

  describe("a promotion that takes time (its own emulator: the delay is emulator-wide)", () => {
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emu-test-"));
    let endpoint: string;
    beforeAll(async () => {
      endpoint = (await startEmulator(stateDir, { motoEnv: { PILOTLIGHT_PROMOTION_SECONDS: "2" } })).endpoint;
    });
    afterAll(() => {
      stopEmulator(stateDir);
    });

    it("shows the replica modifying with its source link for PILOTLIGHT_PROMOTION_SECONDS, then standalone", async () => {
      // "When you promote a read replica, RDS reboots the DB instance before making it available."
      // Prepare
      const pair = await replicaPair("slow", endpoint);
      const started = Date.now();

      // Act
      const answer = await pair.promote();
      const during = await pair.replica();
      const second = await pair.promote().catch((err: unknown) => err);
      let after = await pair.replica();
      while (after?.ReadReplicaSourceDBInstanceIdentifier && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 100));
        after = await pair.replica();
      }
      const tookMs = Date.now() - started;

      // Assess
      expect(answer.DBInstance?.DBInstanceStatus).toBe("modifying");
      expect(during?.DBInstanceStatus).toBe("modifying");
      expect(during?.ReadReplicaSourceDBInstanceIdentifier).toBe(pair.primaryArn);
      expect(second).toMatchObject({ name: "InvalidDBInstanceStateFault" });
      expect(after?.DBInstanceStatus).toBe("available");
      expect(after?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
      expect((await pair.primary())?.ReadReplicaDBInstanceIdentifiers ?? []).toEqual([]);
      expect(tookMs).toBeGreaterThanOrEqual(1_900);
    });

    it("takes the delay from the control endpoint too (0: at once)", async () => {
      const pair = await replicaPair("instant", endpoint);

      const set = await setPromotionSeconds(endpoint, 0);
      await pair.promote();

      expect(set).toEqual({ seconds: 0 });
      expect((await pair.replica())?.DBInstanceStatus).toBe("available");
      expect((await pair.replica())?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    });
  });
});

// Route 53 Developer Guide, "How Route 53 determines whether a health check is healthy": every
// checker reports (API_GetHealthCheckStatus, HealthCheckObservations[].StatusReport.Status).
describe("moto Route 53 patch (src/local/moto_server.py)", () => {
  it("answers GetHealthCheckStatus with the report the harness set, from every checker, until cleared", async () => {
    // Prepare
    const endpoint = inject("awsEndpoint");
    const route53 = new Route53Client({ region: "us-east-1" });
    const created = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `checker-${Date.now()}`,
        HealthCheckConfig: {
          Type: "HTTPS",
          FullyQualifiedDomainName: "p.example.com",
          Port: 443,
          ResourcePath: "/health",
        },
      }),
    );
    const id = created.HealthCheck?.Id as string;
    const statuses = async () =>
      (
        (await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id })))
          .HealthCheckObservations ?? []
      ).map((o) => o.StatusReport?.Status);
    const failure = "Failure: Connection timed out. The endpoint or the internet connection is down.";

    // Act
    await setCheckerReport(endpoint, id, failure);
    const failing = await statuses();
    await setCheckerReport(endpoint, id, null);
    const cleared = await statuses();

    // Assess
    expect(failing.length).toBeGreaterThan(1);
    expect(new Set(failing)).toEqual(new Set([failure]));
    expect(cleared.every((s) => s?.startsWith("Success"))).toBe(true);
    await expect(setCheckerReport(endpoint, id, "Broken")).rejects.toThrow(
      /status must be "Success: ..." or "Failure: ..."/,
    );
    await expect(setCheckerReport(endpoint, "no-such-check", null)).rejects.toThrow(/404: no health check/);
  });
});

// IAM User Guide, "Policy evaluation logic": a statement applies only when its conditions hold,
// and an Allow never denies. The latch bucket's policy (terraform/modules/latch) must leave the
// deployment's own callers to their IAM grants.
describe("moto S3 bucket-policy patch (src/local/moto_server.py)", () => {
  it("lets the owner read and write under a policy whose conditioned Allow and Deny do not apply, Null as AWS evaluates it", async () => {
    // Prepare
    const s3 = new S3Client({ region: "eu-central-1" });
    const Bucket = `latch-policy-${Date.now()}`;
    await s3.send(
      new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: "eu-central-1" } }),
    );
    const arn = `arn:aws:s3:::${Bucket}`;
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "TlsOnly",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [arn, `${arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
              Sid: "CheckersRead",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: `${arn}/latch-x`,
              Condition: { IpAddress: { "aws:SourceIp": ["54.183.255.128/26"] } },
            },
            {
              // as the latch bucket: Null "false" holds only when the request sends the header
              Sid: "NoCustomerKey",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:PutObject",
              Resource: `${arn}/*`,
              Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
            },
            {
              // Null "true" holds when the key is absent: this one applies to a plain PutObject
              Sid: "NoPlainWritesUnderBlocked",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:PutObject",
              Resource: `${arn}/blocked/*`,
              Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "true" } },
            },
          ],
        }),
      }),
    );

    // Act
    const absent = await s3
      .send(new GetObjectCommand({ Bucket, Key: "latch-x" }))
      .catch((err: unknown) => err);
    await s3.send(new PutObjectCommand({ Bucket, Key: "latch-x", Body: "{}" }));
    const present = await s3.send(new GetObjectCommand({ Bucket, Key: "latch-x" }));
    const blocked = await s3
      .send(new PutObjectCommand({ Bucket, Key: "blocked/x", Body: "{}" }))
      .catch((err: unknown) => err);

    // Assess
    expect(absent).toBeInstanceOf(NoSuchKey);
    expect(await present.Body?.transformToString()).toBe("{}");
    // moto's denial is a 403 whose body the SDK cannot parse (name "Unknown"); AWS answers AccessDenied
    expect((blocked as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(403);
  });
});

describe("moto Auto Scaling patch (src/local/moto_server.py)", () => {
  it("deregisters the instances a group terminates on scale-in from its target group, as Auto Scaling does", async () => {
    // Amazon EC2 Auto Scaling instance lifecycle (ec2-auto-scaling-lifecycle.html), scale in: an
    // instance leaving a group with attached target groups is deregistered from them before it
    // terminates. moto registers on scale-out and never deregisters: a group at 0 kept "healthy"
    // targets, so B's alias (EvaluateTargetHealth) read healthy after a failback.
    // Prepare
    const region = "eu-central-1";
    const name = `scale-in-${Date.now()}`;
    const ec2 = new EC2Client({ region });
    const elb = new ElasticLoadBalancingV2Client({ region });
    const asg = new AutoScalingClient({ region });
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/16" }))).Vpc?.VpcId;
    const subnet = (
      await ec2.send(
        new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.30.0.0/24", AvailabilityZone: `${region}a` }),
      )
    ).Subnet?.SubnetId;
    const tg = (
      await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: "HTTP", Port: 8080, VpcId: vpc }))
    ).TargetGroups?.[0]?.TargetGroupArn;
    const image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId;
    const lt = (
      await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: name,
          LaunchTemplateData: { ImageId: image, InstanceType: "t3.micro" },
        }),
      )
    ).LaunchTemplate?.LaunchTemplateId;
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: 0,
        MaxSize: 2,
        DesiredCapacity: 2,
        LaunchTemplate: { LaunchTemplateId: lt, Version: "$Latest" },
        VPCZoneIdentifier: subnet,
        TargetGroupARNs: [tg as string],
      }),
    );
    const targets = async () =>
      (
        (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions ??
        []
      )
        .filter((t) => t.TargetHealth?.State !== "unused")
        .map((t) => t.Target?.Id);
    expect(await targets()).toHaveLength(2);

    // Act
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: 1 }));
    const afterOne = await targets();
    await asg.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, DesiredCapacity: 0 }),
    );

    // Assert
    expect(afterOne).toHaveLength(1);
    expect(await targets()).toEqual([]);
  });
});

// CloudWatch API Reference, MetricAlarm: StateTransitionedTimestamp is "the date and time that the
// alarm's StateValue most recently changed"; StateUpdatedTimestamp moves on every update of
// StateValue or EvaluationState. The failover's hold is counted from the transition.
describe("moto CloudWatch patch (src/local/moto_server.py)", () => {
  it("keeps StateTransitionedTimestamp at the last change of StateValue while StateUpdatedTimestamp moves", async () => {
    // Prepare
    const cloudwatch = new CloudWatchClient({ region: "eu-west-2", protocol: CLOUDWATCH_PROTOCOL });
    const name = `transition-${Date.now()}`;
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: "Pilotlight/Test",
        MetricName: "Up",
        Statistic: "Minimum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "LessThanThreshold",
      }),
    );
    const read = async () =>
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];
    const set = (StateValue: "ALARM" | "OK") =>
      cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue, StateReason: "test" }));

    // Act
    await set("ALARM");
    const entered = await read();
    await new Promise((r) => setTimeout(r, 1100));
    await set("ALARM");
    const updated = await read();

    // Assert
    expect(entered?.StateTransitionedTimestamp).toBeInstanceOf(Date);
    expect(updated?.StateTransitionedTimestamp?.getTime()).toBe(
      entered?.StateTransitionedTimestamp?.getTime(),
    );
    expect(updated?.StateUpdatedTimestamp?.getTime()).toBeGreaterThan(
      entered?.StateTransitionedTimestamp?.getTime() as number,
    );
  });
});
