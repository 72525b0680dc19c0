// The real API path against the moto server: the handler runs in-process (moto runs no Lambda
// code and fires no alarms), with the exact SNS event AWS delivers, the config from SSM, and SDK
// clients aimed at the emulator through AWS_ENDPOINT_URL, by way of this file's own fault proxy
// (src/local/fault-proxy.ts), which loses regions for this file's tests only. A drill: a drill record in the lock
// table, then P down as Route 53's checkers report it (moto's checkers always report "Success":
// the emulator's checker-report control plays their failure, as the local drill does). The
// failover itself writes to Route 53 nothing: its latch is the object in B's bucket (the fixture
// creates the bucket, empty).

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from "@aws-sdk/client-rds";
import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { alarmEvent } from "../../../test/fixtures/alarm.js";
import { createDeployment, type Deployment } from "../../../test/fixtures/deployment.js";
import { CALL_LOG_ENV } from "../../aws/call-recorder.js";
import { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { HEALTH_SIGNAL_VALUES } from "../../core/route53.js";
import { type LocalNameServer, startLocalNameServer } from "../../local/dns-server.js";
import { freePort, startEmulator, stopEmulator } from "../../local/emulator.js";
import { DOWN_ENDPOINT_REPORT, setCheckerReport } from "../../local/emulator-control.js";
import { type Counts, type FaultProxy, startFaultProxy } from "../../local/fault-proxy.js";
import { createFailoverClients, createFailoverPorts, type FailoverClients } from "../shared/aws-ports.js";
import { configFromEnvironment } from "../shared/config-env.js";
import { IncidentBusyError } from "../shared/errors.js";
import { armDeployment } from "../shared/incident.js";
import { silentLogger } from "../shared/observability.js";
import { createFailoverHandler } from "./index.js";

/** Counts the commands a client sends, by name, with SDK middleware (what reached the wire). */
function countCommands(clients: FailoverClients): Map<string, number> {
  const counts = new Map<string, number>();
  const counter: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const name = String(context.commandName);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return next(args);
  };
  for (const client of Object.values(clients)) {
    (client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>).add(counter, {
      step: "initialize",
      name: "pilotlightCommandCounter",
    });
  }
  return counts;
}

async function harness(deployment: string) {
  const fixture = await createDeployment({ deployment });
  const { config } = fixture;
  const clients = createFailoverClients(config);
  const counts = countCommands(clients);
  const handler = createFailoverHandler({
    // the environment Terraform sets on the function, read in-process
    loadConfig: configFromEnvironment("failover", {
      PILOTLIGHT_CONFIG_PARAMETER: fixture.parameterName,
      AWS_REGION: config.backup.region,
    }),
    ports: (c) => createFailoverPorts(c, clients),
    logger: silentLogger,
    metrics: { addMetric() {}, publishStoredMetrics() {} },
  });
  return { fixture, config, clients, counts, handler };
}

/** A drill: its record in B, then P failing as Route 53's checkers report it (played). */
async function startDrill(clients: FailoverClients, config: DeploymentConfig) {
  await createFailoverPorts(config, clients).signals.drill.write({
    deployment: config.deployment,
    startedAt: new Date().toISOString(),
    by: "test",
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
  await failPrimary(config);
}

/** P failing as Route 53's checkers report it, played through the emulator's control endpoint. */
async function failPrimary(config: DeploymentConfig) {
  await setCheckerReport(process.env.AWS_ENDPOINT_URL ?? "", config.dns.healthCheckId, DOWN_ENDPOINT_REPORT);
}

/** P's endpoint check inverted by hand (a plain client, none of pilotlight's programs): never pilotlight's doing. */
async function invertHealthCheck(config: DeploymentConfig) {
  await new Route53Client({ region: "us-east-1" }).send(
    new UpdateHealthCheckCommand({ HealthCheckId: config.dns.healthCheckId, Inverted: true }),
  );
}

/** The latch object in B as GetObject returns it (the fixture's bucket; NoSuchKey fails the test). */
async function readLatch(h: { clients: FailoverClients; config: DeploymentConfig }): Promise<unknown> {
  const { bucket, key } = h.config.dns.latch;
  const out = await h.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? "null");
}

/** Route 53's health-signal pair as the zone's name servers answer it: `servers`, rewritten into the config in SSM. */
async function useNameServers(h: Awaited<ReturnType<typeof harness>>, servers: string[]) {
  h.config.dns = {
    ...h.config.dns,
    healthSignal: { name: `_signal.${h.config.deployment}.example.com`, nameServers: servers },
  };
  await new SSMClient({ region: h.config.backup.region }).send(
    new PutParameterCommand({
      Name: h.fixture.parameterName,
      Type: "String",
      Value: JSON.stringify(h.config),
      Overwrite: true,
    }),
  );
}

/** What each delivery ended with, in words, for the assertion messages: `completed`, `ignored: no-route53-verdict`, `IncidentBusyError`, ... */
function outcomesOf(
  settled: PromiseSettledResult<Awaited<ReturnType<ReturnType<typeof createFailoverHandler>>>>[],
) {
  return settled.flatMap((r) =>
    r.status === "rejected"
      ? [`${(r.reason as Error).name}: ${(r.reason as Error).message}`]
      : r.value.map((v) => ("code" in v ? `${v.outcome}: ${v.code}` : v.outcome)),
  );
}

async function receiveAll(fixture: Deployment, region: string) {
  const sqs = new SQSClient({ region });
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: fixture.opsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as { Subject?: string; Message: string });
}

describe("failover (moto)", () => {
  // this file's own fault proxy in front of the run's emulator: a region it loses is lost for no other test file
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(inject("awsEndpoint"));
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  });
  afterAll(async () => {
    process.env.AWS_ENDPOINT_URL = inject("awsEndpoint");
    await proxy.close();
  });

  describe("a delivery whose Route 53 API call is reset (the fault proxy refuses us-east-1)", () => {
    it("is ignored with no-route53-verdict when no name server answers either: the guard never acts on B's probe alone", async () => {
      // Prepare: the outcome one of twenty deliveries reached when moto reset a connection under load
      // (the guard's Route 53 client makes one attempt: docs/functions.md "A call reset")
      const h = await harness("fo-int-reset");
      await armDeployment(createFailoverPorts(h.config, h.clients).lock, h.config.deployment, "test");
      await startDrill(h.clients, h.config);
      await useNameServers(h, [`127.0.0.1:${await freePort()}`]);
      proxy.setFaults({ "us-east-1": "refuse" });
      proxy.resetCounts();
      // Act
      const settled = await Promise.allSettled([h.handler(alarmEvent(h.config))]);
      const counts = proxy.counts();
      proxy.setFaults({});
      // Assess
      const outcomes = outcomesOf(settled);
      expect(outcomes, `outcomes: ${outcomes.join(" | ")}`).toEqual(["ignored: no-route53-verdict"]);
      expect(counts["us-east-1"]?.refused).toBeGreaterThan(0);
      expect(h.counts.get(PromoteReadReplicaCommand.name)).toBeUndefined();
      const record = await createFailoverPorts(h.config, h.clients).lock.read(h.config.deployment);
      expect(record?.state).toBe("armed");
    });
  });

  describe("drill: alarm delivered after the drill record was written and P failed, while us-east-1 and P are lost", () => {
    let h: Awaited<ReturnType<typeof harness>>;
    let outcomes: string[];
    let results: Awaited<ReturnType<typeof h.handler>>;
    let busy: unknown[];
    let retried: Awaited<ReturnType<typeof h.handler>>;
    let counts: Counts;
    let nameServer: LocalNameServer;

    beforeAll(async () => {
      h = await harness("fo-int-drill");
      const ports = createFailoverPorts(h.config, h.clients);
      await armDeployment(ports.lock, h.config.deployment, "test: P seen healthy");
      await startDrill(h.clients, h.config);
      // Route 53's data plane answers while us-east-1 is gone: the health-signal pair says P is down
      const signal = `_signal.${h.config.deployment}.example.com`;
      nameServer = await startLocalNameServer({
        txt: async (name) => (name === signal ? [HEALTH_SIGNAL_VALUES.unhealthy] : undefined),
      });
      await useNameServers(h, [nameServer.address]);
      // every call to us-east-1 (the guard's Route 53 API) and to P (the guard's RDS reads, the fence)
      // is reset, on purpose, for every delivery: no reset left to the emulator's load
      proxy.setFaults({ "us-east-1": "refuse", [h.config.primary.region]: "refuse" });
      proxy.resetCounts();
      h.counts.clear();
      // 20 concurrent deliveries of the same SNS message: SNS is at-least-once
      const event = alarmEvent(h.config);
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, () => h.handler(structuredClone(event))),
      );
      outcomes = outcomesOf(settled);
      results = settled.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
      busy = settled.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      // Lambda retries each failed invocation; by then the incident has completed
      retried = (await Promise.all(busy.map(() => h.handler(structuredClone(event))))).flat();
      counts = proxy.counts();
      // us-east-1 back (the tests read Route 53); P stays lost until the fence test restores it
      proxy.setFaults({ [h.config.primary.region]: "refuse" });
    });
    afterAll(async () => {
      proxy.setFaults({});
      await nameServer.close();
    });

    it("completes once; the other deliveries fail as busy (DynamoDB's conditional writes) or exit as duplicates, and the retries as duplicates", () => {
      const said = `outcomes: ${outcomes.join(" | ")}`;
      expect(
        outcomes.filter((o) => o === "completed"),
        said,
      ).toHaveLength(1);
      expect(outcomes, said).toHaveLength(20);
      expect(
        outcomes.filter((o) => o !== "completed" && o !== "duplicate" && !o.startsWith("IncidentBusyError")),
        said,
      ).toEqual([]);
      for (const reason of busy) expect(reason).toBeInstanceOf(IncidentBusyError);
      expect(retried.map((r) => r.outcome)).toEqual(busy.map(() => "duplicate"));
      expect(results).toHaveLength(20 - busy.length);
    });

    it("reached neither lost region: every request of the deliveries to us-east-1 and to P was reset", () => {
      expect(counts["us-east-1"]).toMatchObject({ passed: 0, refused: expect.any(Number) });
      expect(counts["us-east-1"]?.refused).toBeGreaterThan(0);
      expect(counts[h.config.primary.region]).toMatchObject({ passed: 0 });
      expect(counts[h.config.primary.region]?.refused).toBeGreaterThan(0);
    });

    it("calls PromoteReadReplica exactly once, and the replica loses its source link", async () => {
      expect(h.counts.get(PromoteReadReplicaCommand.name)).toBe(1);
      const db = await h.clients.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: h.config.backup.db.instanceId }),
      );
      expect(db.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    });

    it("scales B's group to the failover capacity", async () => {
      const out = await h.clients.autoScaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [h.config.backup.asg.name] }),
      );
      const group = out.AutoScalingGroups?.[0];
      const want = h.config.backup.asg.failoverCapacity;
      expect(group).toMatchObject({ MinSize: want.min, MaxSize: want.max, DesiredCapacity: want.desired });
    });

    it("latches with one PutObject of the latch object in B, which GetObject reads back at once", async () => {
      // "Amazon S3 data consistency model" (S3 User Guide): strong read-after-write consistency
      // for PutObject, so the step's read-back (API_GetObject) observes the effect
      expect(h.counts.get(PutObjectCommand.name)).toBe(1);
      expect(await readLatch(h)).toEqual({
        deployment: h.config.deployment,
        incidentId: expect.any(String),
        latchedAt: expect.any(String),
        by: `pilotlight failover (alarm: ${h.config.dns.alarm.name})`,
        checksFingerprint: h.config.dns.latch.checksFingerprint,
      });
    });

    it("leaves P's endpoint check as it was, not inverted: no Route 53 write in the failover path", async () => {
      expect(h.counts.get(UpdateHealthCheckCommand.name)).toBeUndefined();
      const out = await new Clients()
        .route53()
        .send(new GetHealthCheckCommand({ HealthCheckId: h.config.dns.healthCheckId }));
      expect(out.HealthCheck?.HealthCheckConfig).toMatchObject({ Disabled: false, Inverted: false });
    });

    it("leaves a completed lock record with the timeline, marked as a drill", async () => {
      const record = await createFailoverPorts(h.config, h.clients).lock.read(h.config.deployment);
      expect(record).toMatchObject({
        state: "completed",
        attempts: 1,
        drill: true,
        timeline: {
          promote: { outcome: "done" },
          capacity: { outcome: "done" },
          latch: { outcome: "done" },
        },
      });
      // moto publishes no ReplicaLag: the RPO estimate is unknown, and the record says when it looked
      expect(record?.rpoEstimateSeconds).toBeUndefined();
      expect(record?.rpoObservedAt).toBeDefined();
    });

    it("notifies the ops topic once, with the timeline", async () => {
      const messages = await receiveAll(h.fixture, h.config.backup.region);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.Subject).toContain("failover completed [drill]");
      expect(messages[0]?.Message).toContain("promote: done");
      expect(messages[0]?.Message).toContain("latch: done");
    });
    it("fences P on the first re-evaluation once P answers again: P's group at 0 with no instance, the attempts in the timeline", async () => {
      // Prepare: the failover completed with P lost, so its fence failed
      const ports = createFailoverPorts(h.config, h.clients);
      const before = await ports.lock.read(h.config.deployment);
      proxy.setFaults({});
      // Act: the re-evaluation schedule's next run (rule <deployment>-reevaluate, every minute)
      const [run] = await h.handler({ pilotlight: "reevaluate", deployment: h.config.deployment });
      // Assess
      expect(before?.timeline?.fence).toMatchObject({ outcome: "failed", attempts: 1 });
      expect(run).toMatchObject({ outcome: "fence" });
      const out = await h.clients.primaryAutoScaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [h.config.primary.asg.name] }),
      );
      expect(out.AutoScalingGroups?.[0]).toMatchObject({
        MinSize: 0,
        MaxSize: 0,
        DesiredCapacity: 0,
        Instances: [],
      });
      const after = await ports.lock.read(h.config.deployment);
      expect(after).toMatchObject({
        state: "completed",
        timeline: { fence: { outcome: "done", attempts: 2, startedAt: before?.timeline?.fence?.startedAt } },
      });
      // and the run after that has nothing left to do
      expect(
        (await h.handler({ pilotlight: "reevaluate", deployment: h.config.deployment }))[0],
      ).toMatchObject({
        outcome: "nothing",
      });
    });
  });

  describe("guard against moto's always-healthy checkers", () => {
    it("refuses to fail over when Route 53's checkers see P healthy", async () => {
      const h = await harness("fo-int-guard");
      await armDeployment(createFailoverPorts(h.config, h.clients).lock, h.config.deployment, "test");
      h.counts.clear();
      const [result] = await h.handler(alarmEvent(h.config));
      expect(result).toMatchObject({ outcome: "ignored", code: "healthy" });
      expect(h.counts.get(PromoteReadReplicaCommand.name)).toBeUndefined();
      expect(h.counts.get(PutObjectCommand.name)).toBeUndefined();
    });

    it("refuses an endpoint check inverted by hand (inverted)", async () => {
      const h = await harness("fo-int-nodrill");
      await armDeployment(createFailoverPorts(h.config, h.clients).lock, h.config.deployment, "test");
      await invertHealthCheck(h.config);
      h.counts.clear();
      const [result] = await h.handler(alarmEvent(h.config));
      expect(result).toMatchObject({ outcome: "ignored", code: "inverted" });
      expect(h.counts.get(PromoteReadReplicaCommand.name)).toBeUndefined();
    });

    it("ignores the alarm of a deployment that was never armed", async () => {
      const h = await harness("fo-int-unarmed");
      await failPrimary(h.config);
      const [result] = await h.handler(alarmEvent(h.config));
      expect(result).toMatchObject({ outcome: "ignored", code: "not-armed" });
    });
  });

  describe("a promotion that takes time (its own emulator: PILOTLIGHT_PROMOTION_SECONDS is emulator-wide)", () => {
    // "When you promote a read replica, RDS reboots the DB instance before making it available"
    // (RDS User Guide): the emulator patch keeps the replica modifying, naming its source, meanwhile.
    const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-fo-slow-"));
    let saved: string | undefined;
    // not recorded for the IAM contract: this emulator and its deployment are gone when the contract
    // project evaluates (the shared emulator's failover tests make the same calls)
    const savedCallLog = process.env[CALL_LOG_ENV];
    beforeAll(async () => {
      saved = process.env.AWS_ENDPOINT_URL;
      const emulator = await startEmulator(stateDir, { motoEnv: { PILOTLIGHT_PROMOTION_SECONDS: "3" } });
      process.env.AWS_ENDPOINT_URL = emulator.endpoint;
      delete process.env[CALL_LOG_ENV];
    });
    afterAll(() => {
      if (savedCallLog !== undefined) process.env[CALL_LOG_ENV] = savedCallLog;
      process.env.AWS_ENDPOINT_URL = saved;
      stopEmulator(stateDir);
    });

    it("returns pending while the replica still names its source, and a later run completes once it is standalone", async () => {
      // Prepare
      const h = await harness("fo-int-slow");
      await armDeployment(createFailoverPorts(h.config, h.clients).lock, h.config.deployment, "test");
      await startDrill(h.clients, h.config);
      const event = alarmEvent(h.config);
      // Act
      const [first] = await h.handler(structuredClone(event));
      await new Promise((r) => setTimeout(r, 3_500));
      const [second] = await h.handler(structuredClone(event));
      // Assess
      expect(first).toMatchObject({
        outcome: "pending",
        record: { state: "in-progress", timeline: { promote: { outcome: "pending" } } },
      });
      expect(second).toMatchObject({
        outcome: "completed",
        record: { state: "completed", timeline: { promote: { outcome: "done" } } },
      });
      expect(h.counts.get(PromoteReadReplicaCommand.name)).toBe(1);
    });
  });

  describe("the deployed artifact (dist/functions/failover/index.mjs)", () => {
    it("fails over from the exact SNS event with its config from PILOTLIGHT_CONFIG_PARAMETER", async () => {
      // Prepare: the bundle Terraform zips (built by the test runner's build step, or here)
      const root = join(import.meta.dirname, "../../..");
      const bundle = join(root, "dist/functions/failover/index.mjs");
      if (!existsSync(bundle)) execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "failover"]);
      const h = await harness("fo-int-bundle");
      await armDeployment(createFailoverPorts(h.config, h.clients).lock, h.config.deployment, "test");
      await startDrill(h.clients, h.config);
      Object.assign(process.env, {
        PILOTLIGHT_CONFIG_PARAMETER: h.fixture.parameterName,
        AWS_REGION: h.config.backup.region,
        POWERTOOLS_SERVICE_NAME: "pilotlight-failover",
        POWERTOOLS_METRICS_NAMESPACE: "Pilotlight",
        POWERTOOLS_METRICS_DISABLED: "true",
        POWERTOOLS_LOG_LEVEL: "SILENT",
      });
      const { handler } = (await import(pathToFileURL(bundle).href)) as {
        handler: (e: unknown) => Promise<unknown[]>;
      };
      // Act
      const [ok] = await handler(alarmEvent(h.config, { state: "OK" }));
      const [alarm] = await handler(alarmEvent(h.config));
      // Assess
      expect(ok).toMatchObject({ outcome: "ignored" });
      expect(alarm).toMatchObject({ outcome: "completed", record: { state: "completed", drill: true } });
      expect(await readLatch(h)).toMatchObject({ deployment: h.config.deployment });
    });
  });
});
