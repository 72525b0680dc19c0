// The fault matrix of the failover, through the handler and the real AWS adapters, with the SDK
// clients stubbed by aws-sdk-client-mock. The stubs model AWS's documented answers for states the
// emulator cannot produce (a replica promoting or backing up, throttling, AccessDenied); the latch
// object in B as S3 answers (API_GetObject: NoSuchKey when absent to a caller that may list the
// bucket; API_PutObject; "Amazon S3 data consistency model": a GetObject after a successful
// PutObject returns the new object, so the read-back that completes the step sees it); the lock
// is the in-memory LockPort with the DynamoDB adapter's conditional semantics (the real
// conditional writes are exercised against moto in failover.int.test.ts).
import {
  AutoScalingClient,
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSClient,
  RDSServiceException,
} from "@aws-sdk/client-rds";
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
  Route53ServiceException,
  UpdateHealthCheckCommand,
} from "@aws-sdk/client-route-53";
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { alarmEvent, snsEvent } from "../../../test/fixtures/alarm.js";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { memoryLockPort } from "../../../test/fixtures/memory-lock.js";
import { fakeSignalPorts } from "../../../test/fixtures/signal-ports.js";
import type { DeploymentConfig } from "../../core/config.js";
import { checkersSeeHealthy, healthCheckStatus, healthSignalAnswer } from "../../core/route53.js";
import { createFailoverPorts } from "../shared/aws-ports.js";
import { FailoverStepError, IncidentBusyError } from "../shared/errors.js";
import { closeIncident } from "../shared/incident.js";
import { armRecord, type LockRecord, openRecord } from "../shared/lock-record.js";
import { silentLogger } from "../shared/observability.js";
import type { FailoverPorts } from "../shared/ports.js";
import { createFailoverHandler } from "./index.js";
import { runFailover } from "./sequence.js";
import type { AlarmState, TriggerAlarmsPort } from "./trigger-alarms.js";

const rds = mockClient(RDSClient);
const asg = mockClient(AutoScalingClient);
const route53 = mockClient(Route53Client);
const sns = mockClient(SNSClient);
const cloudWatch = mockClient(CloudWatchClient);
const s3 = mockClient(S3Client);
const elb = mockClient(ElasticLoadBalancingV2Client);

const meta = { $metadata: { httpStatusCode: 400 } };
const awsError = (
  Ctor:
    | typeof RDSServiceException
    | typeof Route53ServiceException
    | typeof AutoScalingServiceException
    | typeof S3ServiceException,
  name: string,
  message: string,
) => new Ctor({ name, $fault: "client", message, ...meta });

/** The state of B's resources and P's health check as AWS would answer it. */
interface Model {
  db?: { status: string; source?: string };
  /** P's database as P's regional RDS API answers (DescribeDBInstances, DescribeEvents). */
  primaryDb: { status: string; events: Array<{ Date: Date; Message: string; EventCategories: string[] }> };
  /** B's group; `healthy`: how many of its instances are healthy targets (default: the InService ones). */
  group?: { min: number; max: number; desired: number; inService?: number; healthy?: number };
  /**
   * P's group as P's own Auto Scaling API answers; `terminating`: instances it still lists,
   * Terminating, after a scale-in. `unreachable`: P's region does not answer (the fence).
   */
  primaryGroup?: { min: number; max: number; desired: number; terminating?: number };
  primaryUnreachable?: boolean;
  /** As AWS: a scale-in lists the instances, Terminating, until they are gone (off: gone at once, as moto). */
  slowScaleIn?: boolean;
  /**
   * As AWS: PromoteReadReplica answers with the replica "modifying", source link still there, for
   * minutes; new instances start Pending. Off (the default), both effects are there by the next
   * look, as the emulator shows them, so tests about other faults finish in one run.
   */
  slow?: boolean;
  hc: { disabled: boolean; inverted: boolean; healthyCheckers: number };
  /**
   * The status Route 53 routes on, as the health-signal TXT pair answers it: the failure threshold
   * applied over time, Disabled and Inverted. Default: the status of `hc` once the threshold is met.
   */
  routedHealthy?: boolean;
  lag?: number;
  /** The latch object in B: its body while it exists. */
  latch?: string;
  /** The first GetHealthCheck and GetHealthCheckStatus calls never answer (the guard's). */
  route53HangsOnce?: boolean;
}

function modelAws(config: DeploymentConfig, model: Model) {
  rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier?: string }) => {
    if (input.DBInstanceIdentifier === config.primary.db.instanceId)
      return {
        DBInstances: [
          { DBInstanceIdentifier: config.primary.db.instanceId, DBInstanceStatus: model.primaryDb.status },
        ],
      };
    if (!model.db) throw new DBInstanceNotFoundFault({ message: "DBInstance not found", ...meta });
    return {
      DBInstances: [
        {
          DBInstanceIdentifier: config.backup.db.instanceId,
          DBInstanceStatus: model.db.status,
          ...(model.db.source ? { ReadReplicaSourceDBInstanceIdentifier: model.db.source } : {}),
        },
      ],
    };
  });
  const promote = () => {
    const db = model.db;
    if (!db?.source || db.status !== "available") {
      throw new InvalidDBInstanceStateFault({
        message: `DB Instance is not in an available state (${db?.status})`,
        ...meta,
      });
    }
    if (model.slow) db.status = "modifying";
    else delete db.source;
    return {
      DBInstance: { DBInstanceIdentifier: config.backup.db.instanceId, DBInstanceStatus: "modifying" },
    };
  };
  rds.on(PromoteReadReplicaCommand).callsFake(promote);
  rds.on(DescribeEventsCommand).callsFake(() => ({ Events: model.primaryDb.events }));
  asg.on(DescribeAutoScalingGroupsCommand).callsFake(() => ({
    AutoScalingGroups: model.group
      ? [
          {
            AutoScalingGroupName: config.backup.asg.name,
            MinSize: model.group.min,
            MaxSize: model.group.max,
            DesiredCapacity: model.group.desired,
            LaunchTemplate: { LaunchTemplateId: config.backup.launchTemplateId, Version: "$Latest" },
            Instances: Array.from({ length: model.group.desired }, (_, i) => ({
              InstanceId: `i-b${i}`,
              LifecycleState: i < (model.group?.inService ?? 0) ? "InService" : "Pending",
              HealthStatus: "Healthy",
              AvailabilityZone: `${config.backup.region}a`,
              ProtectedFromScaleIn: false,
            })),
          },
        ]
      : [],
  }));
  const scale = (input: { MinSize?: number; MaxSize?: number; DesiredCapacity?: number }) => {
    if (!model.group)
      throw awsError(AutoScalingServiceException, "ValidationError", "AutoScalingGroup name not found");
    const desired = input.DesiredCapacity ?? 0;
    model.group = {
      min: input.MinSize ?? 0,
      max: input.MaxSize ?? 0,
      desired,
      inService: model.slow ? (model.group.inService ?? 0) : desired,
    };
    return {};
  };
  asg.on(UpdateAutoScalingGroupCommand).callsFake(scale);
  // B's target group: a registered instance is "initial" until it passed the health check's
  // HealthyThresholdCount, then "healthy" (Elastic Load Balancing, "Health checks for your target groups")
  elb.on(DescribeTargetHealthCommand, { TargetGroupArn: config.backup.alb.targetGroupArn }).callsFake(() => ({
    TargetHealthDescriptions: Array.from({ length: model.group?.desired ?? 0 }, (_, i) => ({
      Target: { Id: `i-b${i}`, Port: 8080 },
      HealthCheckPort: "8080",
      TargetHealth: {
        State: i < (model.group?.healthy ?? model.group?.inService ?? 0) ? "healthy" : "initial",
      },
    })),
  }));
  // P's group through P's own Auto Scaling API: the fence. A lost region never answers; the SDK's
  // request timeout then rejects with TimeoutError (src/aws/clients.ts).
  const primaryName = config.primary.asg.name;
  const primaryLost = () =>
    Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError", code: "ETIMEDOUT", $metadata: {} });
  asg.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: [primaryName] }).callsFake(() => {
    if (model.primaryUnreachable) throw primaryLost();
    const g = model.primaryGroup;
    return {
      AutoScalingGroups: g
        ? [
            {
              AutoScalingGroupName: primaryName,
              MinSize: g.min,
              MaxSize: g.max,
              DesiredCapacity: g.desired,
              Instances: Array.from({ length: g.desired + (g.terminating ?? 0) }, (_, i) => ({
                InstanceId: `i-p${i}`,
                LifecycleState: i < g.desired ? "InService" : "Terminating",
                HealthStatus: "Healthy",
                AvailabilityZone: `${config.primary.region}a`,
                ProtectedFromScaleIn: false,
              })),
            },
          ]
        : [],
    };
  });
  const scalePrimary = (input: { MinSize?: number; MaxSize?: number; DesiredCapacity?: number }) => {
    if (model.primaryUnreachable) throw primaryLost();
    const before = model.primaryGroup;
    const desired = input.DesiredCapacity ?? 0;
    const leaving = model.slowScaleIn ? Math.max(0, (before?.desired ?? 0) - desired) : 0;
    model.primaryGroup = {
      min: input.MinSize ?? 0,
      max: input.MaxSize ?? 0,
      desired,
      ...(leaving + (before?.terminating ?? 0) > 0
        ? { terminating: leaving + (before?.terminating ?? 0) }
        : {}),
    };
    return {};
  };
  asg.on(UpdateAutoScalingGroupCommand, { AutoScalingGroupName: primaryName }).callsFake(scalePrimary);
  const hang = { check: model.route53HangsOnce, status: model.route53HangsOnce };
  const never = () => new Promise<never>(() => {});
  route53.on(GetHealthCheckCommand).callsFake(() => {
    if (hang.check) {
      hang.check = false;
      return never();
    }
    return healthCheck();
  });
  const healthCheck = () => ({
    HealthCheck: {
      Id: config.dns.healthCheckId,
      CallerReference: "ref",
      HealthCheckVersion: 1,
      HealthCheckConfig: {
        Type: "HTTPS",
        ResourcePath: "/health",
        Disabled: model.hc.disabled,
        Inverted: model.hc.inverted,
      },
    },
  });
  route53.on(GetHealthCheckStatusCommand).callsFake(() => {
    if (hang.status) {
      hang.status = false;
      return never();
    }
    return healthCheckStatus();
  });
  const healthCheckStatus = () => ({
    HealthCheckObservations: Array.from({ length: 8 }, (_, i) => ({
      Region: `region-${i}`,
      IPAddress: `15.177.0.${i}`,
      StatusReport: {
        Status:
          i < model.hc.healthyCheckers
            ? "Success: HTTP Status Code 200, OK"
            : "Failure: Connection timed out.",
        CheckedTime: new Date(),
      },
    })),
  });
  sns.on(PublishCommand).resolves({ MessageId: "n-1" });
  const latchKey = { Bucket: config.dns.latch.bucket, Key: config.dns.latch.key };
  // GetObject of an absent key, to a caller with s3:ListBucket on the bucket: NoSuchKey, 404 (API_GetObject)
  s3.on(GetObjectCommand, latchKey).callsFake(() => {
    const body = model.latch;
    if (body === undefined)
      throw new NoSuchKey({
        message: "The specified key does not exist.",
        $metadata: { httpStatusCode: 404 },
      });
    return { Body: { transformToString: async () => body } };
  });
  const latch = (input: { Body?: unknown }) => {
    model.latch = String(input.Body);
    return { ETag: '"etag"' };
  };
  s3.on(PutObjectCommand, latchKey).callsFake(latch);
  cloudWatch.on(GetMetricStatisticsCommand).callsFake(() => ({
    Datapoints: model.lag === undefined ? [] : [{ Timestamp: new Date(), Maximum: model.lag }],
  }));
  return { promote, scale, scalePrimary, latch };
}

function setup(
  options: {
    model?: Partial<Model>;
    mode?: DeploymentConfig["mode"];
    lock?: LockRecord | null;
    alarms?: TriggerAlarmsPort;
    signals?: Parameters<typeof fakeSignalPorts>[0];
  } = {},
) {
  const base = exampleConfig();
  const config = {
    ...base,
    mode: options.mode ?? "automatic",
    // the schema's shortest best-effort bound keeps the timeout tests short
    failover: { ...base.failover, bestEffortTimeoutMs: 500 },
  };
  const model: Model = {
    db: { status: "available", source: config.primary.db.arn },
    primaryDb: { status: "available", events: [] },
    group: { min: 0, max: 0, desired: 0 },
    primaryGroup: { min: 2, max: 2, desired: 2 },
    hc: { disabled: false, inverted: false, healthyCheckers: 0 },
    lag: 4,
    ...options.model,
  };
  const aws = modelAws(config, model);
  const lock = memoryLockPort(
    options.lock === null
      ? undefined
      : (options.lock ?? armRecord(undefined, config.deployment, "test", Date.now())),
  );
  const clients = {
    rds: new RDSClient({ region: config.backup.region }),
    autoScaling: new AutoScalingClient({ region: config.backup.region }),
    elb: new ElasticLoadBalancingV2Client({ region: config.backup.region }),
    cloudWatch: new CloudWatchClient({ region: config.backup.region }),
    dynamoDb: new DynamoDBClient({ region: config.backup.region }),
    route53: new Route53Client({ region: "us-east-1" }),
    s3: new S3Client({ region: config.backup.region }),
    sns: new SNSClient({ region: config.backup.region }),
    guardRoute53: new Route53Client({ region: "us-east-1", maxAttempts: 1 }),
    primaryRds: new RDSClient({ region: config.primary.region, maxAttempts: 1 }),
    primaryAutoScaling: new AutoScalingClient({ region: config.primary.region, maxAttempts: 1 }),
  };
  const real = createFailoverPorts(config, clients, { now: () => Date.now(), sleep: async () => {} });
  // Route 53's API and P's RDS API through the real adapters (stubbed SDK); B's probe, the DNS
  // reader and the drill record in memory
  const signals = fakeSignalPorts({
    endpointCheck: real.signals.endpointCheck,
    primaryDatabase: real.signals.primaryDatabase,
    healthSignal: async () => {
      const { disabled, inverted, healthyCheckers } = model.hc;
      const healthy =
        model.routedHealthy ??
        healthCheckStatus(checkersSeeHealthy(Array.from({ length: 8 }, (_, i) => i < healthyCheckers)), {
          disabled,
          inverted,
        });
      const answer = healthSignalAnswer(healthy);
      return { verdict: healthy ? "healthy" : "unhealthy", server: "ns-1", detail: `ns-1 answers ${answer}` };
    },
    ...options.signals,
  });
  const ports: FailoverPorts = { ...real, lock, signals };
  const metrics: Array<[string, number]> = [];
  const handler = createFailoverHandler({
    loadConfig: async () => config,
    ports: () => ports,
    ...(options.alarms ? { alarms: () => options.alarms as TriggerAlarmsPort } : {}),
    logger: silentLogger,
    metrics: { addMetric: (name, _unit, value) => metrics.push([name, value]), publishStoredMetrics() {} },
  });
  const record = () => lock.items.get(config.deployment) as LockRecord;
  return { config, model, aws, ports, lock, handler, metrics, record, signals };
}

const calls = (
  client: { commandCalls(c: never, input?: never): unknown[] },
  command: unknown,
  input?: object,
) => client.commandCalls(command as never, input as never).length;

describe("failover (SDK mocks modelling AWS)", () => {
  beforeEach(() => {
    for (const m of [rds, asg, route53, sns, cloudWatch, s3, elb]) m.reset();
  });
  afterEach(() => {
    for (const m of [rds, asg, route53, sns, cloudWatch, s3, elb]) m.reset();
  });

  describe("handler", () => {
    it("issues every action once, records the timeline and RPO, and notifies ops", async () => {
      // Prepare
      const { config, handler, record, model, metrics } = setup();
      // Act
      const [result] = await handler(alarmEvent(config));
      // Assess
      expect(result).toMatchObject({ outcome: "completed" });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      // PromoteReadReplica's own BackupRetentionPeriod default is 1 day (RDS API reference)
      expect(rds.commandCalls(PromoteReadReplicaCommand)[0]?.args[0].input).toEqual({
        DBInstanceIdentifier: config.backup.db.instanceId,
        BackupRetentionPeriod: 7,
        PreferredBackupWindow: "02:00-02:30",
      });
      expect(asg.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input).toMatchObject({
        AutoScalingGroupName: config.backup.asg.name,
        MinSize: 2,
        MaxSize: 4,
        DesiredCapacity: 2,
      });
      expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
        Bucket: config.dns.latch.bucket,
        Key: config.dns.latch.key,
      });
      expect(JSON.parse(model.latch ?? "null")).toEqual({
        deployment: config.deployment,
        incidentId: record().incidentId,
        latchedAt: expect.any(String),
        by: `pilotlight failover (alarm: ${config.dns.alarm.name})`,
        checksFingerprint: config.dns.latch.checksFingerprint,
      });
      // the latch is B's data plane only: Route 53's API is read (the guard), never written
      expect(calls(route53, UpdateHealthCheckCommand)).toBe(0);
      expect(model.hc).toMatchObject({ disabled: false, inverted: false });
      expect(record()).toMatchObject({
        state: "completed",
        rpoEstimateSeconds: 4,
        timeline: {
          promote: { outcome: "done" },
          capacity: { outcome: "done" },
          latch: { outcome: "done" },
        },
      });
      const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
      expect(published?.TopicArn).toBe(config.failover.opsTopicArn);
      expect(published?.Message).toContain("promote: done");
      expect(published?.Message).toContain("RPO estimate: 4 s");
      expect(metrics.map(([n]) => n)).toEqual(
        expect.arrayContaining([
          "AlarmToPromoteMs",
          "AlarmToCapacityMs",
          "AlarmToLatchMs",
          "AlarmToAllActionsMs",
          "FailoverCompleted",
        ]),
      );
    });

    it("makes exactly one promotion out of 20 concurrent duplicate deliveries; the others fail as busy and their retries end as duplicates", async () => {
      // Prepare
      const { config, handler, metrics } = setup();
      const event = alarmEvent(config, { messageId: "same-message" });
      // Act
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, () => handler(structuredClone(event))),
      );
      const retries = await Promise.all(
        settled.filter((r) => r.status === "rejected").map(() => handler(structuredClone(event))),
      );
      // Assess
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.backup.asg.name }),
      ).toBe(1);
      expect(calls(s3, PutObjectCommand)).toBe(1);
      const answered = settled.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
      const rejected = settled.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      expect(answered.filter((r) => r.outcome === "completed")).toHaveLength(1);
      expect(rejected.length).toBeGreaterThan(0);
      for (const reason of rejected) expect(reason).toBeInstanceOf(IncidentBusyError);
      expect(answered.length + rejected.length).toBe(20);
      expect(metrics.filter(([n]) => n === "FailoverBusy")).toHaveLength(rejected.length);
      expect(retries.flat().every((r) => r.outcome === "duplicate")).toBe(true);
    });

    it("makes exactly one failover out of both triggers' deliveries in any mix (the probe alarm in B and the us-east-1 alarm)", async () => {
      // Prepare: each alarm notifies once per state change; SNS may deliver each more than once
      const { config, handler } = setup();
      const events = [
        alarmEvent(config, { trigger: "probe", messageId: "probe-1" }),
        alarmEvent(config, { messageId: "health-1" }),
        alarmEvent(config, { trigger: "probe", messageId: "probe-1" }),
        alarmEvent(config, { messageId: "health-1" }),
      ];
      // Act
      const settled = await Promise.allSettled(events.map((e) => handler(e)));
      const retries = await Promise.all(
        settled.flatMap((r, i) => (r.status === "rejected" ? [handler(events[i])] : [])),
      );
      // Assess
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.backup.asg.name }),
      ).toBe(1);
      const outcomes = [
        ...settled.flatMap((r) => (r.status === "fulfilled" ? r.value : [])),
        ...retries.flat(),
      ];
      expect(outcomes.filter((r) => r.outcome === "completed")).toHaveLength(1);
      expect(outcomes.every((r) => r.outcome === "completed" || r.outcome === "duplicate")).toBe(true);
    });

    it.each([
      ["OK", { state: "OK" as const }],
      ["INSUFFICIENT_DATA", { state: "INSUFFICIENT_DATA" as const }],
      ["a foreign alarm", { alarmName: "billing-alarm" }],
    ])("acknowledges %s without touching AWS", async (_label, options) => {
      const { config, handler, metrics } = setup();
      const [result] = await handler(alarmEvent(config, options));
      expect(result).toMatchObject({ outcome: "ignored" });
      expect(rds.calls().length + asg.calls().length + route53.calls().length + sns.calls().length).toBe(0);
      expect(metrics).toContainEqual(["EventIgnored", 1]);
    });

    it.each([
      ["malformed JSON", snsEvent("arn:aws:sns:us-east-1:123456789012:t", "{not json")],
      [
        "non-alarm JSON",
        snsEvent("arn:aws:sns:us-east-1:123456789012:t", JSON.stringify({ Type: "Notification" })),
      ],
      ["a non-SNS event", { detail: "x" }],
    ])("acknowledges %s with a metric, never throwing", async (_label, event) => {
      const { handler, metrics } = setup();
      const [result] = await handler(event);
      expect(result).toMatchObject({ outcome: "malformed" });
      expect(metrics).toContainEqual(["EventMalformed", 1]);
      expect(rds.calls()).toHaveLength(0);
    });
  });

  describe("replica states", () => {
    it("skips promotion of a replica already promoted (standalone)", async () => {
      const { config, handler, record } = setup({ model: { db: { status: "available" } } });
      await handler(alarmEvent(config));
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(0);
      expect(record()).toMatchObject({ state: "completed", timeline: { promote: { outcome: "skipped" } } });
    });

    it("does not take a replica modifying for its own reasons for a promotion: the incident does not complete, the retry promotes it", async () => {
      // Prepare: a replica being modified (say, a storage change) with its source link; RDS's
      // PromoteReadReplica accepts only an available replica (InvalidDBInstanceState otherwise)
      const { config, handler, record, model } = setup({
        model: { db: { status: "modifying", source: "arn:p" } },
      });
      const event = alarmEvent(config);
      // Act
      const first = await handler(event).catch((e: unknown) => e);
      const afterFirst = record();
      (model.db as { status: string }).status = "available";
      const [second] = await handler(event);
      // Assess
      expect(first).toBeInstanceOf(FailoverStepError);
      expect(afterFirst).toMatchObject({
        state: "failed",
        timeline: { promote: { outcome: "retry-later", detail: expect.stringContaining("not promoting") } },
      });
      expect(second).toMatchObject({ outcome: "completed" });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(record().timeline?.promote).toMatchObject({ outcome: "done", actedAt: expect.any(String) });
    });

    it("leaves the backup window to AWS when the config sets none, and keeps the retention", async () => {
      // Prepare
      const { config, handler } = setup();
      config.backup.db = { ...config.backup.db, backupRetentionDays: 14, backupWindow: null };
      // Act
      await handler(alarmEvent(config));
      // Assess
      expect(rds.commandCalls(PromoteReadReplicaCommand)[0]?.args[0].input).toEqual({
        DBInstanceIdentifier: config.backup.db.instanceId,
        BackupRetentionPeriod: 14,
      });
    });

    it("records a promotion still under way as pending and returns; a later run sees it done when the source link is gone and the instance available", async () => {
      // Prepare: RDS answers PromoteReadReplica with the replica "modifying", keeps its source link
      // while it promotes, reboots it, then shows it available with no
      // ReadReplicaSourceDBInstanceIdentifier (RDS User Guide, "Promoting a read replica")
      const { config, handler, record, model, metrics } = setup({ model: { slow: true } });
      const event = alarmEvent(config);
      const db = model.db as { status: string; source?: string };
      // Act: the first run, a re-run mid-promotion, one while it reboots, one after
      const [first] = await handler(event);
      const afterFirst = record();
      const [during] = await handler(event);
      delete db.source;
      db.status = "rebooting";
      const [rebooting] = await handler(event);
      db.status = "available";
      (model.group as { inService: number }).inService = 2;
      const [last] = await handler(event);
      // Assess
      expect(first).toMatchObject({ outcome: "pending" });
      expect(afterFirst).toMatchObject({
        state: "in-progress",
        timeline: { promote: { outcome: "pending", detail: expect.stringContaining("promotion under way") } },
      });
      expect(afterFirst.leaseUntil).toBeUndefined();
      expect(during).toMatchObject({ outcome: "pending" });
      expect(rebooting).toMatchObject({ outcome: "pending" });
      expect(last).toMatchObject({ outcome: "completed" });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(record()).toMatchObject({
        state: "completed",
        attempts: 4,
        timeline: { promote: { outcome: "done" } },
      });
      expect(metrics.filter(([n]) => n === "FailoverPending")).toHaveLength(3);
      // one notification for the state change to in-progress, one for completed
      expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    });

    it("records the capacity as pending until the failover's desired count of instances is healthy in B's target group", async () => {
      // Prepare: instances start Pending (Amazon EC2 Auto Scaling User Guide, "instance lifecycle")
      const { config, handler, record, model } = setup({ model: { slow: true } });
      const event = alarmEvent(config);
      (model.db as { source?: string }).source = undefined;
      // Act
      const [first] = await handler(event);
      const afterFirst = record();
      (model.group as { inService: number }).inService = 1;
      const [partly] = await handler(event);
      (model.group as { inService: number }).inService = 2;
      const [last] = await handler(event);
      // Assess
      expect(first).toMatchObject({ outcome: "pending" });
      expect(afterFirst.timeline?.capacity).toMatchObject({
        outcome: "pending",
        actedAt: expect.any(String),
      });
      expect(partly).toMatchObject({ outcome: "pending" });
      expect(record().timeline?.capacity?.detail ?? "").toContain("2 healthy in B's target group");
      expect(last).toMatchObject({ outcome: "completed" });
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.backup.asg.name }),
      ).toBe(1);
    });

    it("retries later while the replica backs up, then promotes on the retry without repeating other steps", async () => {
      // Prepare
      const { config, handler, record, model } = setup({
        model: { db: { status: "backing-up", source: "arn:p" } },
      });
      const event = alarmEvent(config);
      // Act: the first delivery, then Lambda's async retry after the backup ended
      await expect(handler(event)).rejects.toBeInstanceOf(FailoverStepError);
      const first = record();
      (model.db as { status: string }).status = "available";
      const [second] = await handler(event);
      // Assess
      expect(first).toMatchObject({ state: "failed", timeline: { promote: { outcome: "retry-later" } } });
      expect(second).toMatchObject({ outcome: "completed" });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.backup.asg.name }),
      ).toBe(1);
      expect(calls(s3, PutObjectCommand)).toBe(1);
      expect(record()).toMatchObject({ state: "completed", attempts: 2 });
    });

    it("re-decides when AWS answers InvalidDBInstanceState because a backup just started", async () => {
      const { config, handler, record, model } = setup();
      rds.on(PromoteReadReplicaCommand).callsFake(() => {
        (model.db as { status: string }).status = "backing-up";
        throw new InvalidDBInstanceStateFault({ message: "backing-up", ...meta });
      });
      await expect(handler(alarmEvent(config))).rejects.toThrow(/promote/);
      expect(record().timeline?.promote?.outcome).toBe("retry-later");
    });
  });

  describe("order: the promotion first; the latch and the fence only once it was accepted", () => {
    const reevaluation = (config: DeploymentConfig) => ({
      pilotlight: "reevaluate",
      deployment: config.deployment,
    });
    const quietAlarms: TriggerAlarmsPort = {
      probe: async () => ({ name: "probe", state: "ALARM", since: new Date().toISOString() }),
      healthCheck: async () => undefined,
    };

    // API_PromoteReadReplica: "a read replica cannot be promoted to a standalone instance when it
    // is in the backing-up status"; the refusal is InvalidDBInstanceState ("The DB instance isn't in
    // a valid state", HTTP 400)
    it("writes no latch and fences nothing while PromoteReadReplica refuses a replica that is backing up; B's capacity scales at once; the re-evaluation promotes, then latches and fences", async () => {
      // Prepare: the replica's daily backup started between the look and the call
      const { config, handler, record, model, aws } = setup({ alarms: quietAlarms });
      rds
        .on(PromoteReadReplicaCommand)
        .callsFakeOnce(() => {
          (model.db as { status: string }).status = "backing-up";
          return aws.promote();
        })
        .callsFake(aws.promote);
      // Act: the alarm's delivery, then the schedule once the backup ended
      const first = await handler(alarmEvent(config)).catch((e: unknown) => e);
      const afterRefusal = record();
      const latchAfterRefusal = model.latch;
      const primaryAfterRefusal = { ...model.primaryGroup };
      (model.db as { status: string }).status = "available";
      const [second] = await handler(reevaluation(config));
      // Assess
      expect(first).toBeInstanceOf(FailoverStepError);
      expect(afterRefusal).toMatchObject({
        state: "failed",
        timeline: { promote: { outcome: "retry-later" }, capacity: { outcome: "done" } },
      });
      expect(afterRefusal.timeline?.latch).toBeUndefined();
      expect(afterRefusal.timeline?.fence).toBeUndefined();
      expect(afterRefusal.error).toContain("latch: not run: it waits for the promotion to be accepted");
      expect(latchAfterRefusal).toBeUndefined();
      expect(primaryAfterRefusal).toEqual({ min: 2, max: 2, desired: 2 });
      expect(second).toMatchObject({ outcome: "completed" });
      expect(record().timeline).toMatchObject({
        promote: { outcome: "done" },
        latch: { outcome: "done" },
        fence: { outcome: "done", attempts: 1 },
      });
      expect(model.primaryGroup).toEqual({ min: 0, max: 0, desired: 0 });
      expect(calls(s3, PutObjectCommand)).toBe(1);
    });

    it("writes no latch and fences nothing on any other refusal: InvalidDBInstanceState while the replica reads available", async () => {
      const { config, handler, record, model } = setup();
      rds
        .on(PromoteReadReplicaCommand)
        .rejects(
          new InvalidDBInstanceStateFault({ message: "DB Instance is not in a valid state", ...meta }),
        );
      const error = await handler(alarmEvent(config)).catch((e: unknown) => e);
      expect((error as FailoverStepError).steps).toEqual(["promote"]);
      expect(record().timeline?.promote).toMatchObject({ outcome: "failed" });
      expect(model.latch).toBeUndefined();
      expect(calls(s3, PutObjectCommand)).toBe(0);
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.primary.asg.name }),
      ).toBe(0);
    });

    // RDS User Guide, "Viewing Amazon RDS DB instance status": storage-full, "the DB instance has
    // reached its storage capacity allocation": no wait clears it
    it("writes no latch and fences nothing for a replica whose storage is full", async () => {
      const { config, handler, record, model } = setup({
        model: { db: { status: "storage-full", source: "arn:p" } },
      });
      await expect(handler(alarmEvent(config))).rejects.toBeInstanceOf(FailoverStepError);
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(0);
      expect(record().timeline?.promote?.detail).toContain("storage-full");
      expect(model.latch).toBeUndefined();
      expect(model.primaryGroup).toEqual({ min: 2, max: 2, desired: 2 });
    });

    it("latches and fences in the run whose PromoteReadReplica was accepted, after the call, while the promotion is still under way", async () => {
      // Prepare: RDS answers PromoteReadReplica with the replica "modifying", its source link kept
      const { config, handler, record, aws } = setup({ model: { slow: true } });
      const order: string[] = [];
      rds.on(PromoteReadReplicaCommand).callsFake(() => {
        order.push("PromoteReadReplica");
        return aws.promote();
      });
      s3.on(PutObjectCommand).callsFake((input: { Body?: unknown }) => {
        order.push("PutObject latch");
        return aws.latch(input);
      });
      asg
        .on(UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.primary.asg.name })
        .callsFake((input: { MinSize?: number; MaxSize?: number; DesiredCapacity?: number }) => {
          order.push("UpdateAutoScalingGroup P");
          return aws.scalePrimary(input);
        });
      // Act
      const [result] = await handler(alarmEvent(config));
      // Assess
      expect(result).toMatchObject({ outcome: "pending" });
      expect(order[0]).toBe("PromoteReadReplica");
      expect(order.slice(1).sort()).toEqual(["PutObject latch", "UpdateAutoScalingGroup P"]);
      expect(record().timeline).toMatchObject({
        promote: { outcome: "pending", actedAt: expect.any(String) },
        latch: { outcome: "done" },
      });
    });
  });

  describe("fence after completion (the re-evaluation, until P's group lists no instance)", () => {
    const reevaluation = (config: DeploymentConfig) => ({
      pilotlight: "reevaluate",
      deployment: config.deployment,
    });

    it("fences a completed incident's P on the first re-evaluation after P answers again; every attempt in the timeline", async () => {
      // Prepare: P's region lost for the whole failover
      const { config, handler, record, model, metrics } = setup({ model: { primaryUnreachable: true } });
      // Act: the failover, a re-evaluation while P is still lost, one after P is back, one more
      const [failover] = await handler(alarmEvent(config));
      const afterFailover = record();
      const [stillLost] = await handler(reevaluation(config));
      const whileLost = record();
      model.primaryUnreachable = false;
      const [back] = await handler(reevaluation(config));
      const updatesOfP = calls(asg, UpdateAutoScalingGroupCommand, {
        AutoScalingGroupName: config.primary.asg.name,
      });
      const [after] = await handler(reevaluation(config));
      // Assess
      expect(failover).toMatchObject({ outcome: "completed" });
      expect(afterFailover.timeline?.fence).toMatchObject({ outcome: "failed", attempts: 1 });
      expect(stillLost).toMatchObject({ outcome: "fence" });
      expect(whileLost).toMatchObject({
        state: "completed",
        timeline: { fence: { outcome: "failed", attempts: 2 } },
      });
      expect(whileLost.timeline?.fence?.detail).toMatch(/TimeoutError/);
      expect(back).toMatchObject({ outcome: "fence" });
      expect(model.primaryGroup).toEqual({ min: 0, max: 0, desired: 0 });
      expect(record()).toMatchObject({
        state: "completed",
        timeline: {
          fence: {
            outcome: "done",
            attempts: 3,
            startedAt: afterFailover.timeline?.fence?.startedAt,
            lastAttemptAt: expect.any(String),
            detail: `P's group ${config.primary.asg.name} at 0, no instance listed`,
          },
        },
      });
      expect(after).toMatchObject({ outcome: "nothing" });
      expect(updatesOfP).toBe(1);
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.primary.asg.name }),
      ).toBe(1);
      expect(metrics).toContainEqual(["FenceObserved", 1]);
    });

    // Amazon EC2 Auto Scaling User Guide, "instance lifecycle": a scaled-in instance goes
    // Terminating (Terminating:Wait, Terminating:Proceed) and stays listed until Terminated
    it("does not count a group at 0 that still lists Terminating instances as fenced: the next re-evaluation looks again", async () => {
      const { config, handler, record, model } = setup({ model: { slowScaleIn: true } });
      const [failover] = await handler(alarmEvent(config));
      const afterFailover = record();
      delete (model.primaryGroup as { terminating?: number }).terminating;
      const [next] = await handler(reevaluation(config));
      expect(failover).toMatchObject({ outcome: "completed" });
      expect(afterFailover.timeline?.fence).toMatchObject({
        outcome: "pending",
        attempts: 1,
        detail: expect.stringContaining("2 instance(s) still listed"),
      });
      expect(next).toMatchObject({ outcome: "fence" });
      expect(record().timeline?.fence).toMatchObject({ outcome: "done", attempts: 2 });
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.primary.asg.name }),
      ).toBe(1);
    });
  });

  describe("faults", () => {
    it("fails the promote step when the replica does not exist (DBInstanceNotFound)", async () => {
      const { config, handler, record } = setup({ model: { db: undefined } });
      const error = await handler(alarmEvent(config)).catch((e: unknown) => e);
      expect((error as FailoverStepError).steps).toEqual(["promote"]);
      expect(record().timeline?.promote?.detail).toContain("does not exist");
    });

    it("fails the capacity step when B's group is missing, after finishing the others", async () => {
      const { config, handler, record } = setup({ model: { group: undefined } });
      const error = await handler(alarmEvent(config)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FailoverStepError);
      expect((error as FailoverStepError).steps).toEqual(["capacity"]);
      expect(record()).toMatchObject({
        state: "failed",
        timeline: {
          promote: { outcome: "done" },
          latch: { outcome: "done" },
          capacity: { outcome: "failed" },
        },
      });
      expect(record().error).toContain("does not exist");
    });

    it("retries throttling with backoff and completes", async () => {
      const { config, handler, record, aws } = setup();
      rds
        .on(PromoteReadReplicaCommand)
        .rejectsOnce(awsError(RDSServiceException, "Throttling", "Rate exceeded"))
        .rejectsOnce(awsError(RDSServiceException, "Throttling", "Rate exceeded"))
        .callsFake(aws.promote);
      // S3 answers 503 SlowDown when a prefix's request rate is too high (S3 API reference, Error responses)
      s3.on(PutObjectCommand)
        .rejectsOnce(awsError(S3ServiceException, "SlowDown", "Please reduce your request rate."))
        .callsFake(aws.latch);
      await handler(alarmEvent(config));
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(3);
      expect(calls(s3, PutObjectCommand)).toBe(2);
      expect(record().state).toBe("completed");
    });

    it("fails loudly on AccessDenied, naming the step and the permission", async () => {
      const { config, handler, record } = setup();
      s3.on(PutObjectCommand).rejects(
        awsError(S3ServiceException, "AccessDenied", "not authorized to perform s3:PutObject"),
      );
      const error = await handler(alarmEvent(config)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FailoverStepError);
      expect((error as Error).message).toMatch(/latch: AccessDenied/);
      expect((error as Error).message).toMatch(
        /grant [^.]*s3:PutObject[^.]* to the failover function's role/,
      );
      expect((error as FailoverStepError).steps).toEqual(["latch"]);
      expect(calls(s3, PutObjectCommand)).toBe(1);
      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toContain("FAILED");
      expect(record().state).toBe("failed");
    });

    it("after a partial failure, the retry completes without repeating finished steps", async () => {
      const { config, handler, record, aws } = setup();
      asg
        .on(UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.backup.asg.name })
        .rejectsOnce(awsError(AutoScalingServiceException, "ServiceUnavailable", "try again"))
        .callsFake(aws.scale);
      const event = alarmEvent(config);
      await expect(handler(event)).rejects.toThrow(/capacity: ServiceUnavailable/);
      await handler(event);
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(calls(s3, PutObjectCommand)).toBe(1);
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.backup.asg.name }),
      ).toBe(2);
      expect(record()).toMatchObject({ state: "completed", attempts: 2 });
    });
  });

  describe("fence (P's group to zero where P answers, best effort)", () => {
    it("scales P's group to zero through P's own API and records it in the timeline", async () => {
      // API_UpdateAutoScalingGroup: MinSize, MaxSize and DesiredCapacity 0 terminate the group's instances
      const { config, handler, record, model } = setup();
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "completed" });
      expect(model.primaryGroup).toEqual({ min: 0, max: 0, desired: 0 });
      expect(record().timeline?.fence).toMatchObject({
        outcome: "done",
        detail: `P's group ${config.primary.asg.name} at 0, no instance listed`,
        attempts: 1,
      });
    });

    it("completes the failover when P does not answer: the fence is recorded as failed, bounded, never a condition", async () => {
      const { config, handler, record } = setup({ model: { primaryUnreachable: true } });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "completed" });
      expect(record().state).toBe("completed");
      expect(record().timeline?.fence).toMatchObject({ outcome: "failed" });
      expect(record().timeline?.fence?.detail).toMatch(
        /best effort, not a condition of the failover: .*TimeoutError/,
      );
    });

    it("leaves a group already at zero alone (skipped)", async () => {
      const { config, handler, record } = setup({ model: { primaryGroup: { min: 0, max: 0, desired: 0 } } });
      await handler(alarmEvent(config));
      expect(
        calls(asg, UpdateAutoScalingGroupCommand, { AutoScalingGroupName: config.primary.asg.name }),
      ).toBe(0);
      expect(record().timeline?.fence).toMatchObject({ outcome: "skipped" });
    });
  });

  describe("latch (the object in B)", () => {
    const denied = () => awsError(S3ServiceException, "AccessDenied", "Access Denied");

    it("leaves an object that appeared meanwhile alone: already latched is done, nothing overwritten", async () => {
      // Prepare: the first run's PutObject fails (503); before the retry, an operator latches by hand
      const { config, handler, record, model, aws } = setup();
      s3.on(PutObjectCommand)
        .rejectsOnce(awsError(S3ServiceException, "ServiceUnavailable", "try again"))
        .callsFake(aws.latch);
      const event = alarmEvent(config);
      // Act
      await expect(handler(event)).rejects.toThrow(/latch: ServiceUnavailable/);
      model.latch = "latched by hand";
      const [second] = await handler(event);
      // Assess
      expect(second).toMatchObject({ outcome: "completed" });
      expect(calls(s3, PutObjectCommand)).toBe(1);
      expect(model.latch).toBe("latched by hand");
      expect(record().timeline?.latch).toMatchObject({ outcome: "skipped" });
    });

    it("reads AccessDenied on GetObject as an error, never as absent: the guard refuses latch-unknown", async () => {
      // API_GetObject: without s3:ListBucket a missing key answers 403 AccessDenied, not NoSuchKey;
      // read as "absent", a missing grant would let a failover start over a latch it cannot see
      const { config, handler, record } = setup();
      s3.on(GetObjectCommand).rejects(denied());
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "latch-unknown" });
      expect(record().state).toBe("armed");
      expect(calls(s3, PutObjectCommand)).toBe(0);
    });

    it("fails the latch step when its read-back is denied, so the incident does not read completed", async () => {
      const { config, handler, record, aws } = setup();
      // the guard's read answers; the step's look and read-back are denied
      s3.on(GetObjectCommand)
        .callsFakeOnce(() => {
          throw new NoSuchKey({
            message: "The specified key does not exist.",
            $metadata: { httpStatusCode: 404 },
          });
        })
        .rejects(denied());
      s3.on(PutObjectCommand).callsFake(aws.latch);
      const error = await handler(alarmEvent(config)).catch((e: unknown) => e);
      expect((error as FailoverStepError).steps).toEqual(["latch"]);
      expect(record().timeline?.latch).toMatchObject({ outcome: "failed" });
      expect(record().state).toBe("failed");
    });
  });

  describe("guard", () => {
    it("refuses when Route 53 sees P healthy (a false positive): no lock, no action, no page", async () => {
      const { config, handler, record, metrics } = setup({
        model: { hc: { disabled: false, inverted: false, healthyCheckers: 8 } },
      });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "healthy" });
      expect(record().state).toBe("armed");
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(0);
      expect(metrics.map(([name]) => name)).not.toContain("GuardBlocked");
    });

    it("lets a drill (live drill record, P failed: its checkers see it down) fail over, marked as a drill", async () => {
      const { config, handler, record, signals } = setup({
        model: { hc: { disabled: false, inverted: false, healthyCheckers: 0 } },
      });
      await signals.drill.write({
        deployment: config.deployment,
        startedAt: new Date().toISOString(),
        by: "alice",
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "completed" });
      expect(record()).toMatchObject({ drill: true, state: "completed" });
      expect(record().guardSignals?.find((s) => s.signal === "drill")?.reading).toBe("live");
    });

    it("refuses an endpoint check inverted by hand without a drill record: its verdict says nothing of P", async () => {
      const { config, handler, record } = setup({
        model: { hc: { disabled: false, inverted: true, healthyCheckers: 8 } },
      });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "inverted" });
      expect(record().state).toBe("armed");
    });

    it("does not start a failover while the latch object exists in B", async () => {
      const { config, handler } = setup({ model: { latch: "written by hand" } });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "latched" });
    });

    it("keeps every signal the guard weighed in the incident record", async () => {
      const { config, handler, record } = setup();
      await handler(alarmEvent(config));
      expect(record().guardSignals?.map((s) => [s.signal, s.reading])).toEqual([
        ["latch", "absent"],
        ["drill", "none"],
        ["route53", "unhealthy via dns"],
        ["probe", "unhealthy"],
        ["primaryRegion", "no recovery"],
      ]);
    });

    it("ignores alarms before P was ever seen healthy (not armed)", async () => {
      const { config, handler, metrics } = setup({ lock: null });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "not-armed" });
      expect(metrics).toContainEqual(["FailoverNotArmed", 1]);
      expect(route53.calls()).toHaveLength(0);
    });
  });

  describe("guard signals (each best effort: Route 53's API, its data plane, B's probe, P's RDS API)", () => {
    // Route 53's API (GetHealthCheck, GetHealthCheckStatus) is its control plane, served from
    // us-east-1; its data plane (health checkers, DNS answers) is global (Route 53 Developer Guide
    // "Amazon Route 53 endpoints", AWS Fault Isolation Boundaries "Global services: Route 53").
    const never = () => new Promise<never>(() => {});

    it("reads Route 53's verdict through DNS when the API hangs, within the best-effort bound", async () => {
      const { config, handler, record } = setup({ model: { route53HangsOnce: true } });
      const started = Date.now();
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "completed" });
      // one bound (500 ms) for the hung API, the in-memory DNS answer, then the steps
      expect(Date.now() - started).toBeLessThan(2_000);
      const route53Signal = record().guardSignals?.find((s) => s.signal === "route53");
      expect(route53Signal?.reading).toBe("unhealthy via dns");
      expect(route53Signal?.detail).toContain("no answer within 500 ms");
    });

    it("asks the zone's name servers for the verdict whatever the API answers, the API refusing", async () => {
      const asked: unknown[] = [];
      const { config, handler, record } = setup({
        signals: {
          healthSignal: async (...args) => {
            asked.push(args);
            return { verdict: "unhealthy", server: "ns-1", detail: "ns-1 answers primary-unhealthy" };
          },
        },
      });
      route53
        .on(GetHealthCheckStatusCommand)
        .rejectsOnce(awsError(Route53ServiceException, "ServiceUnavailable", "try again"));
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "completed" });
      expect(asked).toEqual([[config.dns.healthSignal.name, config.dns.healthSignal.nameServers, 500]]);
      expect(record().guardSignals?.find((s) => s.signal === "route53")?.detail).toContain(
        "ServiceUnavailable",
      );
    });

    // Route 53 Developer Guide, "How Route 53 determines whether a health check is healthy": a check
    // changes status only after `FailureThreshold` consecutive results; GetHealthCheckStatus lists
    // each checker's last observation (a diagnostic), not the status Route 53 routes on
    it("takes Route 53's verdict from the routed status (DNS), not the checkers' last observations", async () => {
      const { config, handler, record } = setup({
        model: { hc: { disabled: false, inverted: false, healthyCheckers: 0 }, routedHealthy: true },
      });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "healthy" });
      expect(record().state).toBe("armed");
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(0);
    });

    it("has no verdict when no name server answers, though the API answers", async () => {
      const { config, handler, record } = setup({
        signals: { healthSignal: async () => ({ detail: "no name server answered: ETIMEOUT" }) },
      });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "no-route53-verdict" });
      expect(record().state).toBe("armed");
    });

    it("refuses no-route53-verdict when neither the API nor any name server answers", async () => {
      const { config, handler, record } = setup({
        signals: { healthSignal: async () => ({ detail: "no name server answered: ETIMEOUT" }) },
      });
      route53
        .on(GetHealthCheckCommand)
        .rejects(awsError(Route53ServiceException, "ServiceUnavailable", "try again"));
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "no-route53-verdict" });
      expect(record().state).toBe("armed");
    });

    it("refuses probe-sees-healthy when B's probe gets P's /health, and publishes GuardBlocked (it pages)", async () => {
      const { config, handler, metrics } = setup({
        signals: {
          probe: async () => ({
            healthy: true,
            response: { status: 200 },
            detail: "HTTP 200 in 40 ms",
            elapsedMs: 40,
          }),
        },
      });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "ignored", code: "probe-sees-healthy" });
      expect(metrics).toContainEqual(["GuardBlocked", 1]);
    });

    // "Viewing instance status" (RDS User Guide): rebooting, "an RDS process that requires the
    // rebooting of the DB instance": P is coming back in place
    it("holds while P's RDS reports rebooting, within holdMaxSeconds of the alarm", async () => {
      const { config, handler, record, metrics } = setup({
        model: { primaryDb: { status: "rebooting", events: [] } },
      });
      const [result] = await handler(alarmEvent(config, { at: new Date(Date.now() - 60_000) }));
      expect(result).toMatchObject({ outcome: "ignored", code: "hold" });
      expect(record().state).toBe("armed");
      expect(metrics).toContainEqual(["GuardHeld", 1]);
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(0);
    });

    it("proceeds once P's RDS has been rebooting past holdMaxSeconds (the hold expired)", async () => {
      const { config, handler, record } = setup({
        model: { primaryDb: { status: "rebooting", events: [] } },
      });
      const at = new Date(Date.now() - (config.failover.holdMaxSeconds + 60) * 1000);
      const [result] = await handler(alarmEvent(config, { at }));
      expect(result).toMatchObject({ outcome: "completed" });
      expect(record().guard).toContain("the hold expired");
    });

    // "Amazon RDS event categories and event messages", DB instance events: RDS-EVENT-0013 (a
    // Multi-AZ failover has started), RDS-EVENT-0049 (a Multi-AZ failover has completed);
    // DescribeEvents returns the message and categories, not the ID (RDS API reference, Event)
    it("holds on a Multi-AZ failover started without a later completed event", async () => {
      const { config, handler } = setup({
        model: {
          primaryDb: {
            status: "available",
            events: [
              {
                Date: new Date(Date.now() - 90_000),
                Message: "Multi-AZ instance failover started.",
                EventCategories: ["failover"],
              },
            ],
          },
        },
      });
      const [result] = await handler(alarmEvent(config, { at: new Date(Date.now() - 60_000) }));
      expect(result).toMatchObject({ outcome: "ignored", code: "hold" });
      const input = rds.commandCalls(DescribeEventsCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        SourceIdentifier: config.primary.db.instanceId,
        SourceType: "db-instance",
      });
    });

    it("proceeds once the Multi-AZ failover completed and P is still down", async () => {
      const { config, handler } = setup({
        model: {
          primaryDb: {
            status: "available",
            events: [
              {
                Date: new Date(Date.now() - 90_000),
                Message: "Multi-AZ instance failover started.",
                EventCategories: ["failover"],
              },
              {
                Date: new Date(Date.now() - 30_000),
                Message: "Multi-AZ instance failover completed.",
                EventCategories: ["failover"],
              },
            ],
          },
        },
      });
      const [result] = await handler(alarmEvent(config, { at: new Date(Date.now() - 60_000) }));
      expect(result).toMatchObject({ outcome: "completed" });
    });

    it("proceeds when P's RDS API never answers: no information, never a reason to wait", async () => {
      const { config, handler, record } = setup();
      rds
        .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: config.primary.db.instanceId })
        .callsFake(never);
      rds.on(DescribeEventsCommand).callsFake(never);
      const started = Date.now();
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "completed" });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(record().guardSignals?.find((s) => s.signal === "primaryRegion")?.reading).toBe("unreachable");
    });
  });

  describe("an incident found in progress (the lease in the lock record)", () => {
    // The lock is a DynamoDB conditional write: a lost condition is ConditionalCheckFailedException
    // (DynamoDB API reference, PutItem), which the adapter reads as a lost claim.
    const inProgress = (config: DeploymentConfig, leaseFromNow: number): LockRecord => {
      const armed = armRecord(undefined, config.deployment, "test", Date.now() - 600_000) as LockRecord;
      const trigger = { source: "alarm" as const, alarmTime: new Date(Date.now() - 300_000).toISOString() };
      const opened = openRecord(armed, trigger, { reason: "0 of 8", drill: false }, "automatic", Date.now());
      return {
        ...opened,
        leaseUntil: new Date(Date.now() + leaseFromNow).toISOString(),
        timeline: {
          promote: { startedAt: opened.openedAt as string, outcome: "running", detail: "" },
        },
      };
    };

    it("under another invocation's live lease, fails with IncidentBusyError (FailoverBusy) so Lambda retries, acting on nothing", async () => {
      // Prepare: a Lambda retry of an invocation that timed out while holding the lease
      const config = exampleConfig();
      const held = inProgress(config, 60_000);
      const { handler, metrics, record } = setup({ lock: held });
      // Act
      const outcome = handler(alarmEvent(config));
      // Assess
      await expect(outcome).rejects.toBeInstanceOf(IncidentBusyError);
      await expect(outcome).rejects.toMatchObject({
        leaseUntil: held.leaseUntil,
        incidentId: held.incidentId,
      });
      expect(metrics).toContainEqual(["FailoverBusy", 1]);
      expect(calls(rds, PromoteReadReplicaCommand) + calls(asg, UpdateAutoScalingGroupCommand)).toBe(0);
      expect(record()).toEqual(held);
    });

    it("whose lease expired (its holder timed out or crashed), resumes the unfinished steps and completes", async () => {
      // Prepare
      const config = exampleConfig();
      const { handler, record, metrics } = setup({ lock: inProgress(config, -1) });
      // Act
      const [result] = await handler(alarmEvent(config));
      // Assess
      expect(result).toMatchObject({ outcome: "completed" });
      expect(record()).toMatchObject({ state: "completed", attempts: 2 });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(metrics).toContainEqual(["FailoverResumed", 1]);
      expect(record().leaseUntil).toBeUndefined();
    });

    it("that completed, answers a later delivery as a successful duplicate", async () => {
      // Prepare
      const { config, handler } = setup();
      await handler(alarmEvent(config));
      // Act
      const [again] = await handler(alarmEvent(config));
      // Assess
      expect(again).toMatchObject({ outcome: "duplicate", reason: expect.stringContaining("completed") });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
    });
  });

  describe("re-evaluation (the schedule's {pilotlight: reevaluate} event)", () => {
    const reevaluation = (config: DeploymentConfig) => ({
      pilotlight: "reevaluate",
      deployment: config.deployment,
    });
    const alarms = (
      probe?: Partial<AlarmState>,
      health?: Partial<AlarmState> | Error,
    ): TriggerAlarmsPort => ({
      probe: async () => ({
        name: "probe",
        state: "OK",
        since: new Date(Date.now() - 600_000).toISOString(),
        ...probe,
      }),
      healthCheck: async () => {
        if (health instanceof Error) throw health;
        return {
          name: "health",
          state: "OK",
          since: new Date(Date.now() - 600_000).toISOString(),
          ...health,
        };
      },
    });

    it("does nothing while armed and neither alarm is in ALARM", async () => {
      const { config, handler, record } = setup({ alarms: alarms() });
      const [result] = await handler(reevaluation(config));
      expect(result).toMatchObject({
        outcome: "nothing",
        reason: expect.stringContaining("no alarm in ALARM"),
      });
      expect(record().state).toBe("armed");
      expect(rds.calls()).toHaveLength(0);
    });

    it("runs the failover on the probe alarm still in ALARM while us-east-1 does not answer, with the alarm's state time", async () => {
      // Prepare: a refusal earlier; alarm actions fire once, so only the schedule brings it back
      const since = new Date(Date.now() - 120_000).toISOString();
      const { config, handler, record } = setup({
        alarms: alarms({ name: "demo-probe-primary-down", state: "ALARM", since }, new Error("TimeoutError")),
      });
      // Act
      const [result] = await handler(reevaluation(config));
      // Assess
      expect(result).toMatchObject({ outcome: "completed" });
      expect(record().trigger).toMatchObject({
        source: "schedule",
        alarmName: "demo-probe-primary-down",
        alarmTime: since,
      });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
    });

    it("resumes a failed incident without an operator, repeating no finished step", async () => {
      // Prepare: a run whose promotion failed (recorded as failed); the schedule comes back
      const { config, handler, record, lock } = setup({ alarms: alarms() });
      await handler(alarmEvent(config));
      const done = record();
      const failed: LockRecord = {
        ...done,
        state: "failed",
        error: "promote: Throttling",
        timeline: {
          ...done.timeline,
          promote: { startedAt: done.openedAt as string, outcome: "failed", detail: "Throttling" },
        },
      };
      lock.items.set(config.deployment, failed);
      rds.resetHistory();
      asg.resetHistory();
      // Act
      const [result] = await handler(reevaluation(config));
      // Assess
      expect(result).toMatchObject({ outcome: "completed" });
      expect(record()).toMatchObject({ state: "completed", attempts: 2 });
      expect(calls(asg, UpdateAutoScalingGroupCommand)).toBe(0);
    });

    it("leaves an incident awaiting approval to the operator", async () => {
      const { config, handler, record } = setup({ mode: "approval", alarms: alarms({ state: "ALARM" }) });
      await handler(alarmEvent(config));
      const [result] = await handler(reevaluation(config));
      expect(result).toMatchObject({
        outcome: "nothing",
        reason: expect.stringContaining("awaits approval"),
      });
      expect(record().state).toBe("pending-approval");
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(0);
    });

    it("opens an incident from the schedule in approval mode as pending-approval, as an alarm would", async () => {
      const { config, handler, record } = setup({ mode: "approval", alarms: alarms({ state: "ALARM" }) });
      const [result] = await handler(reevaluation(config));
      expect(result).toMatchObject({ outcome: "pending-approval" });
      expect(record().state).toBe("pending-approval");
    });

    it("ignores another deployment's re-evaluation", async () => {
      const { handler } = setup({ alarms: alarms({ state: "ALARM" }) });
      const [result] = await handler({ pilotlight: "reevaluate", deployment: "someone-else" });
      expect(result).toMatchObject({ outcome: "ignored" });
      expect(rds.calls()).toHaveLength(0);
    });
  });

  describe("approval mode and the incident lifecycle", () => {
    it("notifies and stops; the operator's approve runs the same sequence", async () => {
      const { config, handler, ports, record } = setup({ mode: "approval" });
      const [result] = await handler(alarmEvent(config));
      expect(result).toMatchObject({ outcome: "pending-approval" });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(0);
      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain("pilotlight approve");

      const approved = await runFailover(ports, config, {
        source: "operator",
        alarmTime: new Date().toISOString(),
        by: "alice",
      });
      expect(approved).toMatchObject({ outcome: "completed" });
      expect(calls(rds, PromoteReadReplicaCommand)).toBe(1);
      expect(record().trigger).toMatchObject({ source: "alarm", by: "alice" });
    });

    it("allows a later incident only after failback closed the completed one and P was seen healthy", async () => {
      const { config, handler, ports, record } = setup();
      await handler(alarmEvent(config));
      const [again] = await handler(alarmEvent(config, { at: new Date(Date.now() + 60_000) }));
      expect(again).toMatchObject({ outcome: "duplicate" });
      await closeIncident(ports.lock, config.deployment, "failback by test");
      expect(record()).toMatchObject({ state: "unarmed", closedBy: "failback by test" });
      const [closed] = await handler(alarmEvent(config));
      expect(closed).toMatchObject({ outcome: "ignored", code: "not-armed" });
    });
  });
});
