import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBInstanceReadReplicaCommand,
  CreateDBSnapshotCommand,
  type DBInstance,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
} from "@aws-sdk/client-rds";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import {
  DB_INSTANCE_NOT_FOUND,
  databasePortFor,
  dynamoDbLockPort,
  latchPortFor,
} from "../../functions/shared/aws-ports.js";
import { closeIncident } from "../../functions/shared/incident.js";
import type { DatabaseState } from "../../functions/shared/ports.js";
import { confirmStep, operatorName } from "../confirm.js";
import { CliError, ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { failbackNames, type PlanStep, type StepId } from "./plan.js";
import type { FenceCheck, SqlEndpoint } from "./sql.js";
import { waitFor } from "./waits.js";

/**
 * The failback steps (docs/cli.md, `failback`), on the AWS API, the same in both modes. Each
 * step is done when its effect is observed, and skips what an earlier run already did, so a
 * failback that stopped can be re-run. Local mode adds what the emulator cannot do (the data side,
 * the app processes, the alarm) through `LocalPlays`; it never replaces an AWS call.
 */

export interface StepResult {
  id: StepId;
  title: string;
  outcome: "done" | "skipped";
  detail: string;
  seconds: number;
}

/** A DNS answer for the app's name: which record Route 53 answers with, and why. */
export interface DnsAnswer {
  role: string;
  target: string;
  reason: string;
}

/** What local mode plays on the local PostgreSQL servers and app processes (src/cli/failback/local.ts). */
export interface LocalPlays {
  stopPrimaryApp(): Promise<void>;
  startPrimaryApp(): Promise<void>;
  primaryAppHealthy(): Promise<boolean>;
  /** Stops the old primary's server and keeps a copy of its data directory; returns where. */
  snapshotOldPrimary(name: string): Promise<string>;
  /** Rebuilds P's server as a streaming replica of B's, unless it already is one. */
  rebuildPrimaryAsReplica(): Promise<boolean>;
  promotePrimary(): Promise<void>;
  rebuildBackupAsReplica(): Promise<void>;
  /** The harness sets the alarm to OK: the emulator does not evaluate it. */
  alarmOk(): Promise<void>;
}

export interface SwitchoverSql {
  fenceWrites(ep: SqlEndpoint): Promise<FenceCheck>;
  liftFence(ep: SqlEndpoint): Promise<boolean>;
  replayBehind(ep: SqlEndpoint, lsn: string): Promise<{ standby: boolean; bytes: number }>;
  acceptsWrites(ep: SqlEndpoint): Promise<boolean>;
}

export interface FailbackEnv {
  io: Io;
  log: (message: string) => void;
  clients: Clients;
  config: DeploymentConfig;
  plan: PlanStep[];
  stamp: string;
  yes: boolean;
  timeoutMs: number;
  intervalMs: number;
  /** SQL sessions on each region's database (RDS endpoints or tunnels; local PostgreSQL). */
  sql: { primary(): Promise<SqlEndpoint>; backup(): Promise<SqlEndpoint> };
  /** The switchover's SQL (./sql.ts); tests hand in fakes to play a fence that does not take. */
  sqlOps: SwitchoverSql;
  dns(): Promise<DnsAnswer>;
  local?: LocalPlays;
}

/**
 * The whole instance (its endpoint to connect to, its settings to copy into a new replica), or
 * undefined when RDS says there is none. Its role, status and replication are read through the
 * functions' database port (`databasePortFor`), as everywhere else.
 */
export async function describeInstance(
  clients: Clients,
  region: string,
  id: string,
): Promise<DBInstance | undefined> {
  try {
    const out = await clients.rds(region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.[0];
  } catch (err) {
    if (DB_INSTANCE_NOT_FOUND.includes((err as { name?: string }).name ?? "")) return undefined;
    throw err;
  }
}

/**
 * True once a read replica is available and replicating: DescribeDBInstances' StatusInfos carries
 * a "read replication" entry whose status is "replicating" (RDS API reference,
 * DBInstanceStatusInfo: replicating, replication stop point set/reached, error, stopped,
 * terminated). "available" alone says nothing about the replication stream.
 */
export function replicating(db: DatabaseState | undefined): boolean {
  return db?.status === "available" && db.replicationStatus === "replicating";
}

type Outcome = { outcome: "done" | "skipped"; detail: string };

const waitIn =
  (env: FailbackEnv) =>
  <T>(what: string, check: () => Promise<T | undefined | false>) =>
    waitFor(what, check, { timeoutMs: env.timeoutMs, intervalMs: env.intervalMs, log: env.log });

const scale = (
  env: FailbackEnv,
  region: string,
  name: string,
  min: number,
  max: number | undefined,
  desired: number,
) =>
  env.clients.autoScaling(region).send(
    new UpdateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: min,
      ...(max === undefined ? {} : { MaxSize: max }),
      DesiredCapacity: desired,
    }),
  );

/**
 * The group as DescribeAutoScalingGroups answers it. An unknown name is not an error there: the
 * answer lists no group (API_DescribeAutoScalingGroups), which no wait repairs.
 */
const group = async (env: FailbackEnv, region: string, name: string) => {
  const out = await env.clients
    .autoScaling(region)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const g = out.AutoScalingGroups?.[0];
  if (!g)
    throw new CliError(
      `auto scaling group ${name} not found in ${region}: check the config`,
      ExitCode.failed,
    );
  return g;
};

/** Instances in service and healthy (AutoScalingInstanceDetails: LifecycleState, HealthStatus). */
const serving = (g: { Instances?: { LifecycleState?: string; HealthStatus?: string }[] }) =>
  (g.Instances ?? []).filter((i) => i.LifecycleState === "InService" && i.HealthStatus === "Healthy").length;

/** The DB snapshot's status, or undefined when RDS has none of that name (DBSnapshotNotFound). */
async function snapshotStatus(env: FailbackEnv, region: string, id: string): Promise<string | undefined> {
  try {
    const out = await env.clients
      .rds(region)
      .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
    return out.DBSnapshots?.[0]?.Status ?? "unknown";
  } catch (err) {
    if (["DBSnapshotNotFound", "DBSnapshotNotFoundFault"].includes((err as { name?: string }).name ?? ""))
      return undefined;
    throw err;
  }
}

/**
 * Replaces `id` in `region` by a cross-region read replica of `sourceArn`, keeping the instance
 * it replaces as `keepAs` for reconciliation; done when the new replica is replicating.
 */
async function rebuildReplica(
  env: FailbackEnv,
  region: string,
  id: string,
  sourceArn: string,
  keepAs: string,
) {
  const { clients } = env;
  const wait = waitIn(env);
  const rds = clients.rds(region);
  const database = databasePortFor(clients, region);
  const current = await database.describe(id);
  let detail: string;
  if (current?.sourceId) {
    detail = `${id} already replicates from ${current.sourceId}`;
  } else {
    // the settings to copy: the instance being replaced, or the one an earlier run kept
    const kept = await describeInstance(clients, region, current ? id : keepAs);
    if (current) {
      await rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: id,
          NewDBInstanceIdentifier: keepAs,
          ApplyImmediately: true,
        }),
      );
      await wait(`${id} renamed to ${keepAs}`, async () => !(await database.describe(id)));
    }
    await rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: id,
        SourceDBInstanceIdentifier: sourceArn,
        DBInstanceClass: kept?.DBInstanceClass,
        // a cross-region replica needs a parameter group of its own region: the one it replaces
        ...(kept?.DBParameterGroups?.[0]?.DBParameterGroupName
          ? { DBParameterGroupName: kept.DBParameterGroups[0].DBParameterGroupName }
          : {}),
        ...(kept?.KmsKeyId ? { KmsKeyId: kept.KmsKeyId } : {}),
        ...(kept?.DBSubnetGroup?.DBSubnetGroupName
          ? { DBSubnetGroupName: kept.DBSubnetGroup.DBSubnetGroupName }
          : {}),
        VpcSecurityGroupIds: (kept?.VpcSecurityGroups ?? []).flatMap((g) =>
          g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [],
        ),
      }),
    );
    detail = `${id} created from ${sourceArn}; the instance it replaces kept as ${keepAs}`;
  }
  await wait(`${id} available and replicating (StatusInfos "read replication": replicating)`, async () =>
    replicating(await database.describe(id)),
  );
  return detail;
}

/** Each step's action, by id: done when its effect is observed; skips what an earlier run did. */
export const failbackSteps: Record<StepId, (env: FailbackEnv) => Promise<Outcome>> = {
  fence: async (env) => {
    const { config, local } = env;
    const P = config.primary;
    const wait = waitIn(env);
    const g = await group(env, P.region, P.asg.name);
    if (local) await local.stopPrimaryApp();
    if (g.DesiredCapacity === 0 && g.MinSize === 0 && (g.Instances ?? []).length === 0)
      return { outcome: "skipped", detail: `${P.asg.name} already at 0` };
    await scale(env, P.region, P.asg.name, 0, undefined, 0);
    // a terminating instance is still listed (LifecycleState Terminating): only an empty list is 0
    await wait(
      `${P.asg.name} without instances`,
      async () => ((await group(env, P.region, P.asg.name)).Instances ?? []).length === 0,
    );
    return { outcome: "done", detail: `${P.asg.name} at 0, no instances left` };
  },
  snapshot: async (env) => {
    const { clients, config, local } = env;
    const P = config.primary;
    const names = failbackNames(config, env.stamp);
    const wait = waitIn(env);
    const old = await databasePortFor(clients, P.region).describe(P.db.instanceId);
    if (!old || old.sourceId) {
      return {
        outcome: "skipped",
        detail: `${P.db.instanceId} is already the new replica (an earlier run took the snapshot)`,
      };
    }
    // a re-run finds the snapshot an earlier run started: CreateDBSnapshot would answer DBSnapshotAlreadyExists
    if ((await snapshotStatus(env, P.region, names.snapshot)) === undefined) {
      await clients.rds(P.region).send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: P.db.instanceId,
          DBSnapshotIdentifier: names.snapshot,
        }),
      );
    }
    await wait(`snapshot ${names.snapshot} available`, async () => {
      const status = await snapshotStatus(env, P.region, names.snapshot);
      if (status === "failed")
        throw new CliError(
          `snapshot ${names.snapshot} failed (DescribeDBSnapshots); see the RDS events of ${P.db.instanceId}`,
          ExitCode.failed,
        );
      return status === "available";
    });
    let detail = `snapshot ${names.snapshot} available`;
    if (local)
      detail += `; local: old primary stopped, data directory copied to ${await local.snapshotOldPrimary(names.snapshot)}`;
    return { outcome: "done", detail };
  },
  "reverse-replication": async (env) => {
    const { config, local } = env;
    const P = config.primary;
    const B = config.backup;
    const names = failbackNames(config, env.stamp);
    let detail = await rebuildReplica(env, P.region, P.db.instanceId, B.db.arn, names.fencedPrimary);
    if (local && (await local.rebuildPrimaryAsReplica()))
      detail += "; local: P's PostgreSQL rebuilt as a streaming replica of B's";
    return { outcome: "done", detail };
  },
  "restore-primary-capacity": async (env) => {
    const { config, local } = env;
    const P = config.primary;
    const wait = waitIn(env);
    await scale(env, P.region, P.asg.name, P.asg.desiredCapacity, undefined, P.asg.desiredCapacity);
    if (local) await local.startPrimaryApp();
    // the targets stay unhealthy until the switchover (/health answers 503 on a replica): the group's count
    await wait(
      `${P.asg.desiredCapacity} instances InService and Healthy in ${P.asg.name}`,
      async () => serving(await group(env, P.region, P.asg.name)) >= P.asg.desiredCapacity,
    );
    return {
      outcome: "done",
      detail: `${P.asg.desiredCapacity} InService and Healthy${local ? "; P's app runs on the replica (reads served, /health 503 until the switchover)" : ""}`,
    };
  },
  switchover: async (env) => {
    const { clients, config, log, local } = env;
    const P = config.primary;
    const B = config.backup;
    const wait = waitIn(env);
    const database = databasePortFor(clients, P.region);
    const current = await database.describe(P.db.instanceId);
    if (!current?.sourceId) {
      return { outcome: "skipped", detail: `${P.db.instanceId} is already standalone` };
    }
    const backupSql = await env.sql.backup();
    const primarySql = await env.sql.primary();
    // The fence is the database's, not the group's: the app's own role loses LOGIN and its
    // sessions end, in every region's app at once (sql.ts). It lifts itself and throws if it
    // cannot be observed to hold.
    const fence = await env.sqlOps.fenceWrites(backupSql);
    log(
      `writes to B fenced: the app's role ${backupSql.app.user} may not log in, ${fence.ended} of its sessions ended${fence.otherWriters > 0 ? `, ${fence.otherWriters} open write transactions of other roles (master, rdsadmin) left alone` : ""}; B's WAL position ${fence.lsn}`,
    );
    try {
      await wait(`${P.db.instanceId} to replay B's WAL up to ${fence.lsn}`, async () => {
        const r = await env.sqlOps.replayBehind(primarySql, fence.lsn);
        if (!r.standby)
          throw new CliError(`${P.db.instanceId} is not a standby: nothing to catch up`, ExitCode.failed);
        return r.bytes === 0;
      });
    } catch (err) {
      // nothing was promoted: lift the fence so B takes writes again
      await env.sqlOps.liftFence(backupSql);
      throw err;
    }
    await clients.rds(P.region).send(
      // the deployment's backup settings (db_backup_retention_days/window), not the API's 1-day default
      new PromoteReadReplicaCommand({
        DBInstanceIdentifier: P.db.instanceId,
        BackupRetentionPeriod: B.db.backupRetentionDays,
        ...(B.db.backupWindow ? { PreferredBackupWindow: B.db.backupWindow } : {}),
      }),
    );
    if (local) await local.promotePrimary();
    await wait(`${P.db.instanceId} standalone and available`, async () => {
      const db = await database.describe(P.db.instanceId);
      return db && !db.sourceId && db.status === "available";
    });
    // the fence replicated to P with the WAL (a catalog row): lift it there, and see P take writes
    await wait(
      `${P.db.instanceId} accepting writes (fence lifted)`,
      async () => (await env.sqlOps.liftFence(primarySql)) && env.sqlOps.acceptsWrites(primarySql),
    );
    await clients.rds(P.region).send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: P.db.instanceId,
        MultiAZ: true,
        ApplyImmediately: true,
      }),
    );
    await wait(`healthy targets in ${P.region}'s target group`, async () => {
      const out = await clients
        .elbv2(P.region)
        .send(new DescribeTargetHealthCommand({ TargetGroupArn: P.alb.targetGroupArn }));
      const healthy = (out.TargetHealthDescriptions ?? []).filter(
        (t) => t.TargetHealth?.State === "healthy",
      ).length;
      return healthy >= Math.max(1, P.asg.desiredCapacity) && (!local || (await local.primaryAppHealthy()));
    });
    return {
      outcome: "done",
      detail: `B fenced at ${fence.lsn}, P replayed it (0 bytes behind); ${P.db.instanceId} promoted and takes writes, Multi-AZ requested`,
    };
  },
  unlatch: async (env) => {
    const { clients, config, local } = env;
    const wait = waitIn(env);
    const { bucket, key } = config.dns.latch;
    const where = `s3://${bucket}/${key}`;
    const latch = latchPortFor(clients, config);
    // DeleteObject answers 204 whether or not the object exists (API_DeleteObject): a re-run is safe
    await latch.remove();
    // S3 is strongly consistent after a DELETE ("Amazon S3 data consistency model"): the read-back is the effect
    await wait(`the latch object ${where} to read absent`, async () => (await latch.read()) === undefined);
    // PRIMARY because it is healthy, not because no record is (Route 53 then answers PRIMARY too)
    const answer = await wait(`${config.dns.recordName} answering P because P is healthy`, async () => {
      const a = await env.dns();
      return a.role === "PRIMARY" && a.reason === "primary healthy" ? a : undefined;
    });
    // the alarm returns to OK once P is healthy: the next failure is a new ALARM transition
    if (local) await local.alarmOk();
    const alarm = await wait(`alarm ${config.dns.alarm.name} back to OK`, async () => {
      const out = await clients
        .cloudWatch(config.dns.alarm.region)
        .send(new DescribeAlarmsCommand({ AlarmNames: [config.dns.alarm.name] }));
      const a = out.MetricAlarms?.[0];
      return a === undefined || a.StateValue === "OK" ? (a?.StateValue ?? "missing") : undefined;
    });
    return {
      outcome: "done",
      detail: `latch object ${where} removed (reads absent); DNS answers ${answer.target}; alarm ${alarm}`,
    };
  },
  "scale-backup-down": async (env) => {
    const { config } = env;
    const B = config.backup;
    const wait = waitIn(env);
    await scale(env, B.region, B.asg.name, 0, 0, 0);
    await wait(
      `${B.asg.name} without instances`,
      async () => ((await group(env, B.region, B.asg.name)).Instances ?? []).length === 0,
    );
    return { outcome: "done", detail: `${B.asg.name} at 0/0/0, no instances` };
  },
  "rebuild-backup-replica": async (env) => {
    const { config, local } = env;
    const P = config.primary;
    const B = config.backup;
    const names = failbackNames(config, env.stamp);
    let detail = await rebuildReplica(env, B.region, B.db.instanceId, P.db.arn, names.retiredBackup);
    if (local) {
      await local.rebuildBackupAsReplica();
      detail += "; local: B's PostgreSQL rebuilt as a streaming replica of P's";
    }
    return { outcome: "done", detail };
  },
  "close-incident": async (env) => {
    const { clients, config } = env;
    const B = config.backup;
    const wait = waitIn(env);
    const lock = dynamoDbLockPort(clients.dynamoDb(B.region), config.failover.lockTableName);
    // the command's preflight runs only on a completed incident: a closed one is never closed twice
    const closed = await closeIncident(lock, config.deployment, `pilotlight failback by ${operatorName()}`);
    // GetItem with ConsistentRead returns the last write (API_GetItem): the record as stored is the effect
    const stored = await wait(`incident ${closed.incidentId} to read closed in the lock table`, async () => {
      const now = await lock.read(config.deployment);
      return now?.closedAt === closed.closedAt ? now : undefined;
    });
    return {
      outcome: "done",
      detail: `incident ${closed.incidentId} closed (reads ${stored.state}, closed at ${stored.closedAt}); unarmed until readiness sees P healthy`,
    };
  },
};

/** Runs every step in order, asking before each destructive one; a failure names its step. */
export async function runFailbackSteps(env: FailbackEnv): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of env.plan) {
    if (step.destructive) {
      await confirmStep(env.io, env.yes, `Step "${step.title}": ${step.actions.join("; ")}. Proceed?`);
    }
    const t = Date.now();
    env.log(`${step.title}...`);
    const r = await failbackSteps[step.id](env);
    results.push({ id: step.id, title: step.title, ...r, seconds: (Date.now() - t) / 1000 });
    env.log(`${step.title}: ${r.outcome}, ${r.detail} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  return results;
}
