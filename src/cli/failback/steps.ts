import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateDBInstanceReadReplicaCommand,
  type CreateDBInstanceReadReplicaCommandInput,
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
import { createdAfterIncident, isStepFinal, nextStep } from "../../functions/shared/operation-record.js";
import type { DatabaseState } from "../../functions/shared/ports.js";
import { ACCEPT_DATA_LOSS, confirmConsequence, confirmStep, operatorName } from "../confirm.js";
import { CliError, ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { failbackNames, type PlanStep, type StepId } from "./plan.js";
import {
  CREATE_BACKUP_REPLICA,
  CREATE_PRIMARY_REPLICA,
  type FailbackProgress,
  FENCE_BACKUP_WRITES,
  PROMOTE_PRIMARY,
  RENAME_BACKUP,
  RENAME_PRIMARY,
  SNAPSHOT,
} from "./record.js";
import type { FenceCheck, SqlEndpoint } from "./sql.js";
import { waitFor } from "./waits.js";

/**
 * The failback steps (docs/cli.md, `failback`), on the AWS API, the same in both modes. Each
 * step is done when its effect is observed. Its progress is the failback record in B's lock table
 * (./record.ts): a re-run continues after the last step recorded done, and inside a step the acts
 * recorded before each call (the stamp's names, a rename, a creation, the promotion) say what an
 * interrupted run already did, so nothing is renamed twice and P is never fenced after the switchover. Local mode adds what the emulator cannot do (the data side,
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
  /** The failback record: its stamp names what failback creates; its steps and acts drive a resume. */
  progress: FailbackProgress;
  yes: boolean;
  /** Answers the rename of a standalone P (its writes since the incident leave the serving side); `--yes` does not. */
  acceptDataLoss: boolean;
  timeoutMs: number;
  intervalMs: number;
  /** SQL sessions on each region's database (RDS endpoints or tunnels; local PostgreSQL). */
  sql: { primary(): Promise<SqlEndpoint>; backup(): Promise<SqlEndpoint> };
  /** The switchover's SQL (./sql.ts); tests hand in fakes to play a fence that does not take. */
  sqlOps: SwitchoverSql;
  dns(): Promise<DnsAnswer>;
  /**
   * P's deep /health through P's ALB answers 200: P's app reaches its database and can write
   * (src/app/health.ts). The switchover's done-condition; the target group checks the shallow
   * /healthz, which passes since step 4 and says nothing about writes.
   */
  primaryHealth(): Promise<boolean>;
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

const isInvalidState = (err: unknown) =>
  ["InvalidDBInstanceState", "InvalidDBInstanceStateFault"].includes((err as { name?: string }).name ?? "");

/**
 * Makes `call` on `id` once RDS lets it: RDS refuses a rename or a promotion with
 * InvalidDBInstanceState unless the instance is available (ModifyDBInstance, PromoteReadReplica),
 * so a `modifying` instance is waited for, never failed on. `done` says the effect is already there.
 */
async function whenAvailable(
  env: FailbackEnv,
  region: string,
  id: string,
  what: string,
  done: (db: DatabaseState | undefined) => boolean,
  call: () => Promise<unknown>,
) {
  const database = databasePortFor(env.clients, region);
  await waitIn(env)(what, async () => {
    const db = await database.describe(id);
    if (done(db)) return true;
    if (db?.status !== "available") return false;
    try {
      await call();
      return true;
    } catch (err) {
      if (isInvalidState(err)) return false;
      throw err;
    }
  });
}

/**
 * What a cross-region replica that replaces `kept` is created with: the instance it replaces,
 * as Terraform made it in this region. A cross-region encrypted replica must name a KMS key of its
 * own region (CreateDBInstanceReadReplica, KmsKeyId), and takes that region's subnet group,
 * parameter group and security groups; the rest keeps what the deployment set (Multi-AZ at
 * creation, minor upgrades off for P, deletion protection, tags, log exports, IAM authentication,
 * Performance Insights with this region's key, storage, port). Read from the instance rather than
 * the config document: it is what Terraform applied in this region, and the config carries ids only. Tags with the
 * reserved `aws:` prefix cannot be set by a caller (RDS API reference, Tag).
 */
export function replicaSettings(kept: DBInstance): Partial<CreateDBInstanceReadReplicaCommandInput> {
  const tags = (kept.TagList ?? []).filter((t) => t.Key && !t.Key.startsWith("aws:"));
  const logs = kept.EnabledCloudwatchLogsExports ?? [];
  return {
    DBInstanceClass: kept.DBInstanceClass,
    ...(kept.DBParameterGroups?.[0]?.DBParameterGroupName
      ? { DBParameterGroupName: kept.DBParameterGroups[0].DBParameterGroupName }
      : {}),
    ...(kept.KmsKeyId ? { KmsKeyId: kept.KmsKeyId } : {}),
    ...(kept.DBSubnetGroup?.DBSubnetGroupName
      ? { DBSubnetGroupName: kept.DBSubnetGroup.DBSubnetGroupName }
      : {}),
    VpcSecurityGroupIds: (kept.VpcSecurityGroups ?? []).flatMap((g) =>
      g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [],
    ),
    ...(kept.MultiAZ !== undefined ? { MultiAZ: kept.MultiAZ } : {}),
    ...(kept.AutoMinorVersionUpgrade !== undefined
      ? { AutoMinorVersionUpgrade: kept.AutoMinorVersionUpgrade }
      : {}),
    ...(kept.DeletionProtection !== undefined ? { DeletionProtection: kept.DeletionProtection } : {}),
    ...(kept.CopyTagsToSnapshot !== undefined ? { CopyTagsToSnapshot: kept.CopyTagsToSnapshot } : {}),
    ...(kept.IAMDatabaseAuthenticationEnabled !== undefined
      ? { EnableIAMDatabaseAuthentication: kept.IAMDatabaseAuthenticationEnabled }
      : {}),
    ...(kept.PerformanceInsightsEnabled
      ? {
          EnablePerformanceInsights: true,
          ...(kept.PerformanceInsightsKMSKeyId
            ? { PerformanceInsightsKMSKeyId: kept.PerformanceInsightsKMSKeyId }
            : {}),
        }
      : {}),
    ...(kept.StorageType ? { StorageType: kept.StorageType } : {}),
    ...(kept.MaxAllocatedStorage ? { MaxAllocatedStorage: kept.MaxAllocatedStorage } : {}),
    ...(kept.Endpoint?.Port ? { Port: kept.Endpoint.Port } : {}),
    ...(kept.PubliclyAccessible !== undefined ? { PubliclyAccessible: kept.PubliclyAccessible } : {}),
    ...(logs.length ? { EnableCloudwatchLogsExports: logs } : {}),
    ...(tags.length ? { Tags: tags } : {}),
  };
}

/**
 * Replaces `id` in `region` by a cross-region read replica of `sourceArn`, keeping the instance
 * it replaces as `keepAs` for reconciliation; done when the new replica is replicating. The rename
 * and the creation are recorded before their calls (`acts`): a re-run that finds the old name gone
 * (renamed, or still `renaming`) waits for the kept name instead of renaming anything again, and
 * reads the settings from the instance the record names.
 */
async function rebuildReplica(
  env: FailbackEnv,
  region: string,
  id: string,
  sourceArn: string,
  keepAs: string,
  acts: { rename: string; create: string },
) {
  const { clients, progress } = env;
  const wait = waitIn(env);
  const rds = clients.rds(region);
  const database = databasePortFor(clients, region);
  const current = await database.describe(id);
  if (current?.sourceId) {
    await wait(`${id} available and replicating (StatusInfos "read replication": replicating)`, async () =>
      replicating(await database.describe(id)),
    );
    return progress.act(acts.create)
      ? `${id} replicates from ${current.sourceId} (created by this failback)`
      : `${id} already replicates from ${current.sourceId}`;
  }
  if (!current && !progress.act(acts.rename)) {
    throw new CliError(
      `${id} is not in ${region} and the failback record names no rename of it: there is nothing failback may replace. Look for it (pilotlight status) before re-running.`,
      ExitCode.failed,
    );
  }
  if (current && current.status !== "renaming") {
    // a standalone instance under the old name: the one to replace, unless it is newer than the incident
    const full = await describeInstance(clients, region, id);
    const completedAt = progress.current.incidentCompletedAt;
    if (createdAfterIncident(full?.InstanceCreateTime, completedAt)) {
      throw new CliError(
        `${id} in ${region} is standalone and was created ${full?.InstanceCreateTime?.toISOString()}, after incident ${progress.current.incidentId} completed (${completedAt}): not the instance failback replaces. Refusing to rename it.`,
        ExitCode.failed,
      );
    }
    if (region === env.config.primary.region)
      await confirmConsequence(
        env.io,
        env.config.deployment,
        `rename ${id} (standalone, in ${region}) to ${keepAs} and replace it by a replica of B: any write it took since incident ${progress.current.incidentId} leaves the serving side (kept in ${keepAs} for reconciliation).`,
        { flag: ACCEPT_DATA_LOSS, given: env.acceptDataLoss },
      );
    await progress.acting(acts.rename, { id, to: keepAs });
    await whenAvailable(
      env,
      region,
      id,
      `${id} available to rename it to ${keepAs}`,
      (db) => db === undefined || db.status === "renaming",
      () =>
        rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: id,
            NewDBInstanceIdentifier: keepAs,
            ApplyImmediately: true,
          }),
        ),
    );
  }
  // the rename's effect: the old name is free and the kept one answers, available (a while, neither is found)
  const kept = await wait(`${id} renamed to ${keepAs} (the old name gone, ${keepAs} available)`, async () => {
    if (await database.describe(id)) return undefined;
    const k = await describeInstance(clients, region, keepAs);
    return k?.DBInstanceStatus === "available" ? k : undefined;
  });
  if (kept.StorageEncrypted && !kept.KmsKeyId) {
    throw new CliError(
      `${keepAs} is encrypted but RDS names no KMS key for it: a cross-region replica needs a key of ${region} (CreateDBInstanceReadReplica KmsKeyId); nothing was created`,
      ExitCode.failed,
    );
  }
  await progress.acting(acts.create, { id, to: sourceArn });
  try {
    await rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: id,
        SourceDBInstanceIdentifier: sourceArn,
        ...replicaSettings(kept),
      }),
    );
  } catch (err) {
    // an interrupted run's creation landed after this run read the old name as gone: the wait below decides
    if ((err as { name?: string }).name !== "DBInstanceAlreadyExistsFault") throw err;
  }
  await wait(`${id} available and replicating (StatusInfos "read replication": replicating)`, async () => {
    const db = await database.describe(id);
    if (db && !db.sourceId && db.status === "available")
      throw new CliError(
        `${id} in ${region} exists but is no replica: not the one failback created`,
        ExitCode.failed,
      );
    return replicating(db);
  });
  return `${id} created from ${sourceArn} with the settings of ${keepAs}; the instance it replaces kept as ${keepAs}`;
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
    const names = failbackNames(config, env.progress.current.stamp);
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
      await env.progress.acting(SNAPSHOT, { id: names.snapshot });
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
    const names = failbackNames(config, env.progress.current.stamp);
    let detail = await rebuildReplica(env, P.region, P.db.instanceId, B.db.arn, names.fencedPrimary, {
      rename: RENAME_PRIMARY,
      create: CREATE_PRIMARY_REPLICA,
    });
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
    // the targets pass the target group's shallow /healthz as soon as the app runs, on a replica too;
    // the deep /health (503 on a replica) turns 200 only after the switchover, which waits for it
    await wait(
      `${P.asg.desiredCapacity} instances InService and Healthy in ${P.asg.name}`,
      async () => serving(await group(env, P.region, P.asg.name)) >= P.asg.desiredCapacity,
    );
    return {
      outcome: "done",
      detail: `${P.asg.desiredCapacity} InService and Healthy${local ? "; P's app runs on the replica (reads served, /healthz 200, the deep /health 503 until the switchover)" : ""}`,
    };
  },
  switchover: async (env) => {
    const { clients, config, log, local, progress } = env;
    const P = config.primary;
    const B = config.backup;
    const wait = waitIn(env);
    const database = databasePortFor(clients, P.region);
    const current = await database.describe(P.db.instanceId);
    const promoted = progress.act(PROMOTE_PRIMARY) !== undefined;
    if (!current)
      throw new CliError(`${P.db.instanceId} is not in ${P.region}: nothing to promote`, ExitCode.failed);
    if (!current.sourceId && !promoted) {
      // the record says this failback never promoted it: B may still take writes, so nothing here is safe
      throw new CliError(
        `${P.db.instanceId} is standalone but this failback did not promote it (record ${progress.current.key}); B may still take writes. Check both databases (pilotlight status) before going on.`,
        ExitCode.failed,
      );
    }
    const primarySql = await env.sql.primary();
    let fenced = "";
    if (!promoted) {
      const backupSql = await env.sql.backup();
      // The fence is the database's, not the group's: the app's own role loses LOGIN and its
      // sessions end, in every region's app at once (sql.ts). It lifts itself and throws if it
      // cannot be observed to hold.
      await progress.acting(FENCE_BACKUP_WRITES, { id: B.db.instanceId });
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
      fenced = `B fenced at ${fence.lsn}, P replayed it (0 bytes behind); `;
      // from here on a re-run never fences B again nor lifts its fence: P is caught up and is promoted
      await progress.acting(PROMOTE_PRIMARY, { id: P.db.instanceId });
    }
    // a promotion under way (or an interrupted run's) reads "modifying": RDS refuses another one
    await whenAvailable(
      env,
      P.region,
      P.db.instanceId,
      `${P.db.instanceId} available to promote it`,
      (db) => db !== undefined && !db.sourceId,
      () =>
        clients.rds(P.region).send(
          // the deployment's backup settings (db_backup_retention_days/window), not the API's 1-day default
          new PromoteReadReplicaCommand({
            DBInstanceIdentifier: P.db.instanceId,
            BackupRetentionPeriod: B.db.backupRetentionDays,
            ...(B.db.backupWindow ? { PreferredBackupWindow: B.db.backupWindow } : {}),
          }),
        ),
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
    await wait(
      "P's /health answering 200 through P's ALB (deep: P's app reaches its database and writes)",
      () => env.primaryHealth(),
    );
    return {
      outcome: "done",
      detail: `${fenced}${P.db.instanceId} promoted (created Multi-AZ as the old P was) and takes writes`,
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
    const names = failbackNames(config, env.progress.current.stamp);
    let detail = await rebuildReplica(env, B.region, B.db.instanceId, P.db.arn, names.retiredBackup, {
      rename: RENAME_BACKUP,
      create: CREATE_BACKUP_REPLICA,
    });
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
    const before = await lock.read(config.deployment);
    if (before?.closedAt && before.incidentId === env.progress.current.incidentId) {
      // an interrupted run closed it and died before recording that: never close twice
      await env.progress.close();
      return {
        outcome: "skipped",
        detail: `incident ${before.incidentId} already closed at ${before.closedAt}`,
      };
    }
    const closed = await closeIncident(lock, config.deployment, `pilotlight failback by ${operatorName()}`);
    // GetItem with ConsistentRead returns the last write (API_GetItem): the record as stored is the effect
    const stored = await wait(`incident ${closed.incidentId} to read closed in the lock table`, async () => {
      const now = await lock.read(config.deployment);
      return now?.closedAt === closed.closedAt ? now : undefined;
    });
    await env.progress.close();
    return {
      outcome: "done",
      detail: `incident ${closed.incidentId} closed (reads ${stored.state}, closed at ${stored.closedAt}); unarmed until readiness sees P healthy`,
    };
  },
};

/**
 * Runs the steps the failback record does not show done, in order, asking before each destructive
 * one; each step is recorded started before it acts and done once its effect is observed. A
 * failure names its step; a re-run continues there.
 */
export async function runFailbackSteps(env: FailbackEnv): Promise<StepResult[]> {
  const results: StepResult[] = [];
  try {
    nextStep(
      env.progress.current,
      env.plan.map((s) => s.id),
    );
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.failed, { cause: err });
  }
  for (const step of env.plan) {
    const recorded = env.progress.current.steps[step.id];
    if (recorded && isStepFinal(env.progress.current, step.id)) {
      results.push({
        id: step.id,
        title: step.title,
        outcome: "skipped",
        detail: `recorded ${recorded.outcome} at ${recorded.finishedAt} by an earlier run: ${recorded.detail}`,
        seconds: 0,
      });
      env.log(`${step.title}: recorded ${recorded.outcome} by an earlier run, not repeated`);
      continue;
    }
    if (step.destructive) {
      await confirmStep(env.io, env.yes, `Step "${step.title}": ${step.actions.join("; ")}. Proceed?`);
    }
    const t = Date.now();
    env.log(`${step.title}${recorded ? " (resumed: an earlier run started it)" : ""}...`);
    await env.progress.started(step.id);
    const r = await failbackSteps[step.id](env);
    await env.progress.finished(step.id, r.outcome, r.detail);
    results.push({ id: step.id, title: step.title, ...r, seconds: (Date.now() - t) / 1000 });
    env.log(`${step.title}: ${r.outcome}, ${r.detail} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  return results;
}
