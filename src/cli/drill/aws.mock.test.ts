import { EventEmitter } from "node:events";
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  UpdateHealthCheckCommand,
} from "@aws-sdk/client-route-53";
import { GetObjectCommand, NoSuchKey } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { memoryRecordPort } from "../../../test/fixtures/failback-env.js";
import { memoryLockPort } from "../../../test/fixtures/memory-lock.js";
import { Clients } from "../../aws/clients.js";
import { checkersSeeHealthy, healthCheckStatus } from "../../core/route53.js";
import type { ReadinessReport } from "../../functions/readiness/run.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import type { DrillRecord, DrillRecordPort } from "../../functions/shared/ports.js";
import { DOWN_ENDPOINT_REPORT } from "../../local/emulator-control.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { runAwsDrill } from "./aws.js";
import { DISARM, drillProgress, endDrill, FENCE_PRIMARY_GROUP } from "./operation.js";
import type { DrillOptions } from "./options.js";

// The AWS path of the drill against a model of the deployment on AWS, the SDK mocked to answer as
// the API references document. The model's one rule of cause and effect is Route 53's: its
// checkers see P down once P's group has no instance (P's ALB then answers 503), the check's
// status is that verdict, flipped when the check is inverted, and only an unhealthy status sets
// off the alarm, the failover and everything after it (compressed to one instant here).

const config = exampleConfig();
const P = config.primary;
const B = config.backup;
const P_IPS = ["198.51.100.10", "198.51.100.11"];
const B_IPS = ["203.0.113.20", "203.0.113.21"];

/** The deployment on AWS as the drill's calls see it. */
interface World {
  /** Every call that changes something, and the drill record's write, in order. */
  events: string[];
  /** P's group: MinSize and DesiredCapacity as UpdateAutoScalingGroup last set them. */
  primaryMin: number;
  primaryDesired: number;
  /** P's endpoint check's Inverted setting (HealthCheckConfig). */
  inverted: boolean;
  /** Whether the alarm and the failover function run once Route 53 sees P down. */
  failoverRuns: boolean;
  /** Whether the failover gets as far as the latch object (false: B promoted, the incident in progress, no latch yet). */
  latches: boolean;
  /** When the failover ran: the alarm in ALARM, B promoted, scaled, latched, DNS on B. */
  failedOverAt?: number;
  /** Called on every UpdateAutoScalingGroup of P's group (a test sends SIGINT from here). */
  onScale?: (desired: number) => void;
}

const armedLock = (): LockRecord => ({
  deployment: config.deployment,
  state: "armed",
  attempts: 0,
  updatedAt: "2026-12-07T00:00:00.000Z",
  armedAt: "2026-12-07T00:00:00.000Z",
});

/** A readiness report whose checks all pass (the preflight reads it as `pilotlight readiness` prints it). */
const passingReadiness = (): ReadinessReport => ({
  deployment: config.deployment,
  at: new Date().toISOString(),
  ready: true,
  checks: [{ name: "replica-lag", verdict: "pass", detail: "replica lag 2 s (bound 60 s)" }],
});

const drillOptions = (): DrillOptions => ({
  timeout: "1",
  stateDir: ".",
  handler: "",
  probeHandler: "",
  app: "",
  baseline: "0",
  after: "0",
});

const clientsUsed: Clients[] = [];
afterEach(() => {
  for (const c of clientsUsed.splice(0)) c.destroy();
});

function drillWorld(over: Partial<World> = {}) {
  const world: World = {
    events: [],
    primaryMin: P.asg.desiredCapacity,
    primaryDesired: P.asg.desiredCapacity,
    inverted: false,
    failoverRuns: true,
    latches: true,
    ...over,
  };
  const lock = memoryLockPort(armedLock());
  const clients = new Clients();
  clientsUsed.push(clients);

  // DG health-checks-invert.html: "Route 53 considers the health check to be unhealthy when the
  // status is healthy and vice versa". ELB troubleshooting, HTTP 503: the load balancer answers 503
  // when its target groups have no registered targets, so the checkers of P's /health see failure.
  const checkersSeeP = () => world.primaryDesired > 0;
  const endpointCheckHealthy = () =>
    healthCheckStatus(checkersSeeHealthy(Array(8).fill(checkersSeeP())), {
      disabled: false,
      inverted: world.inverted,
    });
  /** The alarm on P's check, the failover function and what it starts, once P reads unhealthy. */
  const advance = () => {
    if (world.failedOverAt !== undefined || !world.failoverRuns || endpointCheckHealthy()) return;
    const now = Date.now();
    world.failedOverAt = now;
    const at = new Date(now).toISOString();
    lock.items.set(config.deployment, {
      deployment: config.deployment,
      state: world.latches ? "completed" : "in-progress",
      attempts: 1,
      updatedAt: at,
      incidentId: "drill-incident",
      openedAt: at,
      drill: true,
      timeline: { promote: { startedAt: at, actedAt: at, finishedAt: at, outcome: "done", detail: "" } },
      ...(world.latches ? { completedAt: at } : {}),
    });
  };
  const latched = () => failedOver() && world.latches;
  const failedOver = () => {
    advance();
    return world.failedOverAt !== undefined;
  };

  mockClient(clients.sts(B.region))
    .on(GetCallerIdentityCommand)
    .resolves({ Arn: "arn:aws:sts::123456789012:assumed-role/operator/alice" });
  // API_UpdateAutoScalingGroup: MinSize and DesiredCapacity of the named group, in its region
  const primaryAsg = mockClient(clients.autoScaling(P.region));
  primaryAsg.on(UpdateAutoScalingGroupCommand).callsFake(async (input) => {
    world.events.push(`UpdateAutoScalingGroup ${input.AutoScalingGroupName} ${input.DesiredCapacity}`);
    world.primaryMin = input.MinSize ?? world.primaryMin;
    world.primaryDesired = input.DesiredCapacity;
    world.onScale?.(input.DesiredCapacity);
    return {};
  });
  // API_DescribeAutoScalingGroups: the group's MinSize and DesiredCapacity as last set
  primaryAsg.on(DescribeAutoScalingGroupsCommand).callsFake(async () => ({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: P.asg.name,
        MinSize: world.primaryMin,
        MaxSize: 10,
        DesiredCapacity: world.primaryDesired,
        Instances: [],
      },
    ],
  }));
  const backupAsg = mockClient(clients.autoScaling(B.region));
  backupAsg.on(DescribeAutoScalingGroupsCommand).callsFake(async () => ({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: B.asg.name,
        Instances: Array.from({ length: failedOver() ? B.asg.failoverCapacity.desired : 0 }, (_, i) => ({
          InstanceId: `i-${i}`,
          LifecycleState: "InService",
        })),
      },
    ],
  }));
  const route53 = mockClient(clients.route53());
  route53.on(UpdateHealthCheckCommand).callsFake(async (input) => {
    world.events.push(`UpdateHealthCheck Inverted=${input.Inverted}`);
    world.inverted = input.Inverted ?? world.inverted;
    return {};
  });
  route53.on(GetHealthCheckCommand).callsFake(async () => ({
    HealthCheck: {
      Id: config.dns.healthCheckId,
      CallerReference: "ref",
      HealthCheckVersion: 1,
      HealthCheckConfig: { Type: "HTTPS", Inverted: world.inverted, Disabled: false },
    },
  }));
  // API_GetHealthCheckStatus: one observation per checker, its StatusReport.Status
  route53.on(GetHealthCheckStatusCommand).callsFake(async () => ({
    HealthCheckObservations: Array.from({ length: 8 }, (_, i) => ({
      Region: "us-east-1",
      IPAddress: `15.177.0.${i}`,
      StatusReport: {
        Status: checkersSeeP() ? "Success: HTTP Status Code 200, OK" : DOWN_ENDPOINT_REPORT,
      },
    })),
  }));
  // the failover pair: PRIMARY on P's ALB with the calculated check, SECONDARY on B's ALB
  route53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [
      {
        Name: `${config.dns.recordName}.`,
        Type: "A",
        SetIdentifier: "primary",
        Failover: "PRIMARY",
        HealthCheckId: config.dns.primaryCheckId,
        AliasTarget: { DNSName: P.alb.dnsName, HostedZoneId: P.alb.zoneId, EvaluateTargetHealth: true },
      },
      {
        Name: `${config.dns.recordName}.`,
        Type: "A",
        SetIdentifier: "secondary",
        Failover: "SECONDARY",
        AliasTarget: { DNSName: B.alb.dnsName, HostedZoneId: B.alb.zoneId, EvaluateTargetHealth: true },
      },
    ],
    IsTruncated: false,
    MaxItems: 100,
  });
  mockClient(clients.cloudWatch(config.dns.alarm.region))
    .on(DescribeAlarmsCommand)
    .callsFake(async () => ({
      MetricAlarms: [
        {
          AlarmName: config.dns.alarm.name,
          StateValue: failedOver() ? "ALARM" : "OK",
          StateTransitionedTimestamp: new Date(world.failedOverAt ?? Date.now()),
        },
      ],
    }));
  // DescribeDBInstances: a replica names its source; promoted, it is standalone and available
  mockClient(clients.rds(B.region))
    .on(DescribeDBInstancesCommand)
    .callsFake(async () => ({
      DBInstances: [
        {
          DBInstanceIdentifier: B.db.instanceId,
          DBInstanceStatus: "available",
          ...(failedOver() ? {} : { ReadReplicaSourceDBInstanceIdentifier: P.db.arn }),
        },
      ],
    }));
  // API_GetObject: NoSuchKey (404) for an absent key, to a caller allowed s3:ListBucket
  mockClient(clients.s3(B.region))
    .on(GetObjectCommand)
    .callsFake(async () => {
      if (!latched())
        throw new NoSuchKey({
          message: "The specified key does not exist.",
          $metadata: { httpStatusCode: 404 },
        });
      return { Body: { transformToString: async () => JSON.stringify({ deployment: config.deployment }) } };
    });
  const targets = (n: number) => ({
    TargetHealthDescriptions: Array.from({ length: n }, (_, i) => ({
      Target: { Id: `i-${i}` },
      TargetHealth: { State: "healthy" as const },
    })),
  });
  mockClient(clients.elbv2(B.region))
    .on(DescribeTargetHealthCommand)
    .callsFake(async () => targets(failedOver() ? B.asg.failoverCapacity.desired : 0));
  mockClient(clients.elbv2(P.region))
    .on(DescribeTargetHealthCommand)
    .callsFake(async () => targets(world.primaryDesired));

  const drillRecord: DrillRecordPort & { record?: DrillRecord } = {
    async read() {
      return this.record;
    },
    async write(record) {
      world.events.push("drill record written");
      this.record = record;
    },
    async remove() {
      this.record = undefined;
    },
  };
  // a recursive resolver: the app's name answers B's ALB addresses once Route 53 answers B
  const resolverFor = () => async (name: string) =>
    name === B.alb.dnsName ? B_IPS : name === config.dns.recordName && failedOver() ? B_IPS : P_IPS;
  const errors: string[] = [];
  const ctx = {
    io: {
      out: () => undefined,
      err: (t: string) => errors.push(t),
      confirm: async () => true,
      ask: async () => undefined,
    },
    format: "json",
    clients,
    options: { output: "json" },
    config: async () => config,
  } as unknown as CommandContext;
  const options: DrillOptions = {
    ...drillOptions(),
    acceptOutage: true,
    timeout: "1",
    stateDir: ".",
    handler: "",
    probeHandler: "",
    app: "",
    baseline: "0",
    after: "0",
  };
  const operation = memoryRecordPort();
  const signals = new EventEmitter();
  const preflight = { readiness: passingReadiness(), lagSeconds: 2 as number | undefined };
  const run = (over: Partial<DrillOptions> = {}) =>
    runAwsDrill(ctx, config, { ...options, ...over }, lock, drillRecord, {
      resolverFor,
      intervalMs: 20,
      operation,
      signals: signals as unknown as NodeJS.Process,
      preflight: async () => ({ ...preflight, lock: await lock.read(config.deployment) }),
    });
  return { world, run, primaryAsg, route53, errors, lock, drillRecord, operation, signals, preflight, ctx };
}

describe("runAwsDrill (AWS path, SDK mocked)", () => {
  it("never sends UpdateHealthCheck: an inverted check over a failing P reads healthy (DG health-checks-invert.html), so the failover would never start", async () => {
    const { world, run, route53 } = drillWorld();
    const report = await run();
    expect(route53.commandCalls(UpdateHealthCheckCommand)).toHaveLength(0);
    expect(world.inverted).toBe(false);
    expect(report.passed).toBe(true);
  });

  it("writes the drill record before it fails P, and fails P by scaling P's group to 0 in P's region (API_UpdateAutoScalingGroup)", async () => {
    const { world, run, primaryAsg } = drillWorld();
    await run();
    expect(world.events.slice(0, 2)).toEqual([
      "drill record written",
      `UpdateAutoScalingGroup ${P.asg.name} 0`,
    ]);
    expect(primaryAsg.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: P.asg.name, MinSize: 0, DesiredCapacity: 0 },
    ]);
  });

  it("restores P's group to its desired capacity when the failover does not latch within the deadline, and fails naming what was not reached", async () => {
    const { world, run, primaryAsg, errors } = drillWorld({ failoverRuns: false });
    const report = await run();
    expect(primaryAsg.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: P.asg.name, MinSize: 0, DesiredCapacity: 0 },
      {
        AutoScalingGroupName: P.asg.name,
        MinSize: P.asg.desiredCapacity,
        DesiredCapacity: P.asg.desiredCapacity,
      },
    ]);
    expect(world.primaryDesired).toBe(P.asg.desiredCapacity);
    expect(errors.join("\n")).toContain(
      `${P.asg.name} restored to MinSize=${P.asg.desiredCapacity},DesiredCapacity=${P.asg.desiredCapacity}`,
    );
    expect(report.passed).toBe(false);
    expect(report.expectations).toContainEqual({
      name: "latch written",
      ok: false,
      detail: "not reached in 1 s",
    });
    expect(report.expectations).toContainEqual({
      name: "failover record completed",
      ok: false,
      // disarmed before P came back, so that no incident opens meanwhile; readiness re-arms
      detail: "state unarmed",
    });
    expect(report.recoverySeconds).toBeUndefined();
  });

  it("reports every watched milestone reached, the expectations met and the recovery when the failover runs", async () => {
    const { run, primaryAsg } = drillWorld();
    const report = await run();
    expect(report.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(report.expectations.map((e) => e.name).sort()).toEqual(
      [
        "alarm in ALARM",
        "failover function invoked",
        "promotion started",
        "promotion finished",
        "latch written",
        "capacity InService",
        "targets healthy",
        "Route 53 answers B (API state)",
        "DNS answering B through the system resolver",
        "failover record completed",
      ].sort(),
    );
    expect(report.milestones.every((m) => m.sinceFailureMs !== undefined && m.sinceFailureMs >= 0)).toBe(
      true,
    );
    expect(report.recoverySeconds).toBeGreaterThanOrEqual(0);
    expect(report.failoverRecord).toMatchObject({ state: "completed", drill: true });
    expect(report.ranBy.awsIdentity).toBe("arn:aws:sts::123456789012:assumed-role/operator/alice");
    expect(report.method.join(" ")).not.toMatch(/invert/i);
    expect(report.scenario).toContain("scaled to 0");
    // a failover that latched leaves P fenced: failback brings it back
    expect(primaryAsg.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(1);
  });

  it("issue 19 #4: the latch not seen by the deadline but B promoted (an incident in progress): P's group stays at 0 and the drill says the failover has to finish", async () => {
    const { world, run, primaryAsg, errors, operation, drillRecord } = drillWorld({ latches: false });
    const report = await run();
    expect(primaryAsg.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(1);
    expect(world.primaryDesired).toBe(0);
    expect(errors.join("\n")).toContain("The failover now has to finish");
    expect(errors.join("\n")).toContain("failback is the way back");
    expect(report.passed).toBe(false);
    expect(operation.stored?.closedAt).toBeDefined();
    expect(drillRecord.record).toBeUndefined();
  });

  it("issue 19 #4: the fence's act records P's group's sizes before the call, and the restore puts back those sizes (not the config's)", async () => {
    const { world, run, primaryAsg, operation, lock, drillRecord } = drillWorld({
      failoverRuns: false,
      primaryMin: 1,
      primaryDesired: 3,
    });
    await run();
    const fenceWrite = operation.writes.find((w) => w.acts[FENCE_PRIMARY_GROUP]);
    expect(fenceWrite?.acts[FENCE_PRIMARY_GROUP]).toMatchObject({
      id: P.asg.name,
      to: "MinSize=1,DesiredCapacity=3",
    });
    // recorded before the call: the write holding the act has not seen the fence's effect yet
    expect(fenceWrite?.steps.fence?.outcome).toBeUndefined();
    expect(primaryAsg.commandCalls(UpdateAutoScalingGroupCommand).at(-1)?.args[0].input).toEqual({
      AutoScalingGroupName: P.asg.name,
      MinSize: 1,
      DesiredCapacity: 3,
    });
    expect(world.primaryDesired).toBe(3);
    expect(operation.stored?.acts[DISARM]).toBeDefined();
    expect((await lock.read(config.deployment))?.state).toBe("unarmed");
    expect(operation.stored?.closedAt).toBeDefined();
    expect(drillRecord.record).toBeUndefined();
  });

  it("issue 19 #5: refuses an unarmed deployment, approval mode, a failing readiness check and a lag over its bound, before any change", async () => {
    const unarmed = drillWorld();
    unarmed.lock.items.set(config.deployment, { ...armedLock(), state: "unarmed" });
    await expect(unarmed.run()).rejects.toThrow(/not armed/);
    expect(unarmed.world.events).toEqual([]);

    const failing = drillWorld();
    failing.preflight.readiness = {
      ...passingReadiness(),
      ready: false,
      checks: [{ name: "backup-asg", verdict: "fail", detail: "group missing" }],
    };
    await expect(failing.run()).rejects.toThrow(/readiness fails: backup-asg \(group missing\)/);
    expect(failing.world.events).toEqual([]);

    const lagging = drillWorld();
    lagging.preflight.lagSeconds = config.thresholds.replicaLagSecondsMax + 1;
    await expect(lagging.run()).rejects.toThrow(/exceeds its bound/);
    const unknown = drillWorld();
    unknown.preflight.lagSeconds = undefined;
    await expect(unknown.run()).rejects.toThrow(/no ReplicaLag/);
    expect([...lagging.world.events, ...unknown.world.events]).toEqual([]);

    const approval = drillWorld();
    const approvalConfig = { ...config, mode: "approval" as const };
    await expect(
      runAwsDrill(
        approval.ctx,
        approvalConfig,
        { ...drillOptions(), acceptOutage: true },
        approval.lock,
        approval.drillRecord,
        {
          operation: approval.operation,
          preflight: async () => ({
            ...approval.preflight,
            lock: await approval.lock.read(config.deployment),
          }),
        },
      ),
    ).rejects.toThrow(/mode is approval/);
    expect(approval.world.events).toEqual([]);
  });

  it("issue 19 #6, #9: the question names the blast radius, --yes does not answer it, and without a terminal or --accept-outage it refuses before any change", async () => {
    const { world, run, errors } = drillWorld();
    await expect(run({ acceptOutage: false, yes: true })).rejects.toMatchObject({
      exitCode: ExitCode.aborted,
      message: expect.stringContaining("--accept-outage"),
    });
    expect(world.events).toEqual([]);
    const accepted = drillWorld();
    await accepted.run();
    const question = accepted.errors.join("\n");
    expect(question).toMatch(/writes fail for up to \d+ s/);
    expect(question).toContain("up to the current replica lag of 2 s");
    expect(question).toContain("rebuilt as a replica of B's (pilotlight failback)");
    expect(errors).toBeDefined();
  });

  it("issue 19 #6: SIGINT once P is fenced, before any incident: P's group restored, the drill record removed, the record closed, exit 7", async () => {
    const w = drillWorld({ failoverRuns: false });
    w.world.onScale = (desired) => {
      if (desired === 0) setImmediate(() => w.signals.emit("SIGINT", "SIGINT"));
    };
    await expect(w.run({ timeout: "60" })).rejects.toMatchObject({
      exitCode: ExitCode.aborted,
      message: expect.stringContaining("restored"),
    });
    expect(w.world.primaryDesired).toBe(P.asg.desiredCapacity);
    expect(w.drillRecord.record).toBeUndefined();
    expect(w.operation.stored?.closedAt).toBeDefined();
    expect(w.signals.listenerCount("SIGINT")).toBe(0);
  });

  it("issue 19 #6: SIGINT after the incident opened: P stays fenced and the drill says the failover has to finish", async () => {
    const w = drillWorld({ latches: false });
    w.world.onScale = (desired) => {
      if (desired === 0) setTimeout(() => w.signals.emit("SIGTERM", "SIGTERM"), 50);
    };
    await expect(w.run({ timeout: "60" })).rejects.toMatchObject({
      exitCode: ExitCode.aborted,
      message: expect.stringContaining("The failover now has to finish"),
    });
    expect(w.world.primaryDesired).toBe(0);
    expect(w.primaryAsg.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(1);
  });

  it("issue 19 #6: the end drill --abort runs (endDrill), from the record of a killed drill (P fenced, the CLI gone): restores the recorded sizes when no incident opened, and closes the record", async () => {
    const w = drillWorld({ failoverRuns: false });
    // the drill as SIGKILL leaves it: P fenced, the drill record live, the record open after the fence
    w.world.onScale = (desired) => {
      if (desired === 0) throw new Error("killed");
    };
    await expect(w.run()).rejects.toThrow("killed");
    // the catch ended it already when the process lived; replay the kill: reopen the record as it was
    const killed = w.operation.writes.find((r) => r.acts[FENCE_PRIMARY_GROUP] && !r.closedAt);
    expect(killed).toBeDefined();
    w.world.onScale = undefined;
    w.world.primaryDesired = 0;
    w.lock.items.set(config.deployment, armedLock());
    w.operation.stored = {
      ...(killed as NonNullable<typeof killed>),
      version: w.operation.stored?.version ?? 0,
    };
    const ended = await endDrill({
      clients: (w.ctx as CommandContext).clients,
      config,
      lock: w.lock,
      drillRecord: w.drillRecord,
      progress: drillProgress(w.operation, w.operation.stored),
      log: () => undefined,
    });
    expect(ended.end.kind).toBe("restore");
    expect(w.world.primaryDesired).toBe(P.asg.desiredCapacity);
    expect(w.operation.stored?.closedAt).toBeDefined();
  });
});
