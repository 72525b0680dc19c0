import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Clients } from "../../aws/clients.js";
import { readDnsState } from "../../aws/dns.js";
import type { DeploymentConfig } from "../../core/config.js";
import {
  answerFromState,
  checkStatus,
  type DnsAnswer,
  type DnsState,
  healthCheckStatus,
} from "../../core/route53.js";
import { databasePortFor, latchPortFor } from "../../functions/shared/aws-ports.js";
import { AwsCallError } from "../../functions/shared/errors.js";
import type { LatchRecord } from "../../functions/shared/ports.js";

/**
 * What `status` shows, gathered in parallel with short timeouts. A part whose API does not answer
 * is `unknown` with the reason; it never hides the parts that did answer.
 */

export type Part<T> = { ok: true; value: T } | { ok: false; unreachable: boolean; error: string };

export interface DatabaseView {
  instanceId: string;
  status: string;
  /** primary (standalone, takes writes) or replica (has a source). */
  role: "primary" | "replica";
  source?: string;
  /** Last ReplicaLag datapoint of 15 minutes (replicas only); absent when RDS published none. */
  replicaLagSeconds?: number;
}

export interface CapacityView {
  name: string;
  min: number;
  max: number;
  desired: number;
  inService: number;
}

export interface TargetsView {
  healthy: number;
  total: number;
}

export interface RegionView {
  region: string;
  /** False when no API of the region answered (timeouts, connection refused): shown as unknown. */
  answered: boolean;
  database: Part<DatabaseView>;
  capacity: Part<CapacityView>;
  targets: Part<TargetsView>;
}

/** P's endpoint check (config.dns.healthCheckId). */
export interface HealthCheckView {
  id: string;
  disabled: boolean;
  /** Inverted by hand (pilotlight never inverts it): Route 53's verdict flipped, never the latch. */
  inverted: boolean;
  /** What the checkers observe, before inversion. */
  observedHealthy: boolean;
  /** What routing uses (after Disabled/Inverted). */
  healthy: boolean;
  /** The PRIMARY record's calculated check: P's endpoint check AND the latch check; absent when not read. */
  primaryHealthy?: boolean;
  /** The SECONDARY record's calculated check: the latch set OR B's endpoint check; absent when not read. */
  secondaryHealthy?: boolean;
}

/** The latch object in B (config.dns.latch), as GetObject reads it. */
export interface LatchView {
  location: string;
  /** The object exists: Route 53 treats P as unhealthy whatever it answers, until failback removes it. */
  set: boolean;
  /** Who wrote it, for which incident, when (absent when not set). */
  record?: LatchRecord;
}

export interface StatusView {
  deployment: string;
  mode: string;
  primary: RegionView;
  backup: RegionView;
  healthCheck: Part<HealthCheckView>;
  latch: Part<LatchView>;
  dns: Part<DnsAnswer & { name: string }>;
  alarm: Part<{ name: string; state: string; since?: string }>;
  lastFailover: Part<unknown>;
}

/** The region's API answered that the resource does not exist: an answer, not silence. */
class NotFound extends Error {
  override readonly name = "NotFound";
}

/** Errors without an HTTP answer (timeouts, refused connections, DNS failures) mean "did not answer". */
export function isUnreachable(err: unknown): boolean {
  // the ports wrap the SDK's error (AwsCallError): its HTTP answer is on the cause
  if (err instanceof NotFound) return false;
  const outer = err instanceof AwsCallError ? err.cause : err;
  const e = outer as { $metadata?: { httpStatusCode?: number }; name?: string; code?: string };
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  return true;
}

async function part<T>(fn: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const e = err as { name?: string; message?: string; code?: string };
    return {
      ok: false,
      unreachable: isUnreachable(err),
      error: `${e.name ?? e.code ?? "Error"}: ${e.message ?? ""}`.trim(),
    };
  }
}

/** Role, status and lag through the functions' database port: the one way they are read. */
async function database(clients: Clients, region: string, id: string): Promise<DatabaseView> {
  const port = databasePortFor(clients, region);
  const db = await port.describe(id);
  if (!db) throw new NotFound(`DB instance ${id} not found`);
  const view: DatabaseView = {
    instanceId: id,
    status: db.status,
    role: db.sourceId ? "replica" : "primary",
  };
  if (db.sourceId) {
    view.source = db.sourceId;
    // the lag is extra: a metric that does not answer leaves the replica's view standing
    const lag = await port.replicaLagSeconds(id).catch(() => undefined);
    if (lag !== undefined) view.replicaLagSeconds = lag;
  }
  return view;
}

async function capacity(clients: Clients, region: string, name: string): Promise<CapacityView> {
  const out = await clients
    .autoScaling(region)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const g = out.AutoScalingGroups?.[0];
  if (!g) throw new NotFound(`auto scaling group ${name} not found`);
  return {
    name,
    min: g.MinSize ?? 0,
    max: g.MaxSize ?? 0,
    desired: g.DesiredCapacity ?? 0,
    inService: (g.Instances ?? []).filter((i) => i.LifecycleState === "InService").length,
  };
}

async function targets(clients: Clients, region: string, targetGroupArn: string): Promise<TargetsView> {
  const out = await clients
    .elbv2(region)
    .send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  const all = out.TargetHealthDescriptions ?? [];
  return { healthy: all.filter((t) => t.TargetHealth?.State === "healthy").length, total: all.length };
}

async function region(
  clients: Clients,
  name: string,
  db: string,
  asg: string,
  targetGroupArn: string,
): Promise<RegionView> {
  const [d, c, t] = await Promise.all([
    part(() => database(clients, name, db)),
    part(() => capacity(clients, name, asg)),
    part(() => targets(clients, name, targetGroupArn)),
  ]);
  const answered = [d, c, t].some((p) => p.ok || !p.unreachable);
  return { region: name, answered, database: d, capacity: c, targets: t };
}

/**
 * Collects the status of both regions and the global parts (Route 53, the us-east-1 alarm, the
 * latch object in B). `lastFailover` reads the lock record through the given reader. The latch
 * check is read from the object its checkers fetch (B's S3, `readDnsState`), so the latch view and
 * the DNS answer show the same object.
 */
export async function collectStatus(
  clients: Clients,
  config: DeploymentConfig,
  readLastFailover: () => Promise<unknown>,
): Promise<StatusView> {
  const { bucket, key } = config.dns.latch;
  // read once: the latch view and the latch check's checkers show the same object
  const readLatch = latchPortFor(clients, config).read();
  const [primary, backup, dnsState, latch, alarm, lastFailover] = await Promise.all([
    region(
      clients,
      config.primary.region,
      config.primary.db.instanceId,
      config.primary.asg.name,
      config.primary.alb.targetGroupArn,
    ),
    region(
      clients,
      config.backup.region,
      config.backup.db.instanceId,
      config.backup.asg.name,
      config.backup.alb.targetGroupArn,
    ),
    part(() => readDnsState(clients, config, () => readLatch)),
    part(async (): Promise<LatchView> => {
      const record = await readLatch;
      return { location: `s3://${bucket}/${key}`, set: record !== undefined, ...(record ? { record } : {}) };
    }),
    part(async () => {
      const out = await clients
        .cloudWatch(config.dns.alarm.region)
        .send(new DescribeAlarmsCommand({ AlarmNames: [config.dns.alarm.name] }));
      const a = out.MetricAlarms?.[0];
      if (!a) return { name: config.dns.alarm.name, state: "missing" };
      return {
        name: config.dns.alarm.name,
        state: a.StateValue ?? "unknown",
        ...(a.StateTransitionedTimestamp ? { since: a.StateTransitionedTimestamp.toISOString() } : {}),
      };
    }),
    part(readLastFailover),
  ]);
  let healthCheck: StatusView["healthCheck"];
  let dns: StatusView["dns"];
  if (dnsState.ok) {
    const state = dnsState.value;
    const hc = state.healthChecks[config.dns.healthCheckId];
    healthCheck = hc
      ? {
          ok: true,
          value: {
            id: config.dns.healthCheckId,
            ...hc,
            healthy: healthCheckStatus(hc.observedHealthy, hc),
            ...recordChecks(state, config),
          },
        }
      : {
          ok: false,
          unreachable: false,
          error: `health check ${config.dns.healthCheckId} is not on the PRIMARY record`,
        };
    dns = state.records.length
      ? {
          ok: true,
          value: {
            name: config.dns.recordName,
            ...answerFromState(state),
          },
        }
      : { ok: false, unreachable: false, error: `no failover records for ${config.dns.recordName}` };
  } else {
    healthCheck = dnsState;
    dns = dnsState;
  }
  return {
    deployment: config.deployment,
    mode: config.mode,
    primary,
    backup,
    healthCheck,
    latch,
    dns,
    alarm,
    lastFailover,
  };
}

/** The records' calculated checks as Route 53 routes on them, where what was read decides them. */
function recordChecks(
  state: DnsState,
  config: DeploymentConfig,
): Pick<HealthCheckView, "primaryHealthy" | "secondaryHealthy"> {
  const primary = checkStatus(state, config.dns.primaryCheckId);
  const secondary = checkStatus(state, config.dns.secondaryCheckId);
  return {
    ...(primary === undefined ? {} : { primaryHealthy: primary }),
    ...(secondary === undefined ? {} : { secondaryHealthy: secondary }),
  };
}
