import type { DeploymentConfig } from "../../core/config.js";

/**
 * The failback plan (docs/cli.md, `failback`), as data: printed by `--dry-run`, executed
 * step by step otherwise. Never automatic: every destructive step asks first (or `--yes`).
 */

export type StepId =
  | "fence"
  | "snapshot"
  | "reverse-replication"
  | "restore-primary-capacity"
  | "switchover"
  | "unlatch"
  | "scale-backup-down"
  | "rebuild-backup-replica"
  | "close-incident";

export interface PlanStep {
  id: StepId;
  title: string;
  /** What it does, with the ids it touches. */
  actions: string[];
  /** Asks for confirmation (or `--yes`) before it runs. */
  destructive: boolean;
  /** Local mode: what the harness plays on the local PostgreSQL and app instances. */
  local?: string;
}

/** Names of what failback creates, from the stamp the failback record keeps, so a re-run finds them. */
export function failbackNames(config: DeploymentConfig, stamp: string) {
  return {
    snapshot: `${config.primary.db.instanceId}-failback-${stamp}`,
    fencedPrimary: `${config.primary.db.instanceId}-fenced-${stamp}`,
    retiredBackup: `${config.backup.db.instanceId}-retired-${stamp}`,
  };
}

/** A compact UTC stamp valid in RDS identifiers: 20261126t011200. */
export function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase();
}

/** The steps, in order, for this deployment. */
export function failbackPlan(config: DeploymentConfig, stamp: string): PlanStep[] {
  const P = config.primary;
  const B = config.backup;
  const n = failbackNames(config, stamp);
  return [
    {
      id: "fence",
      title: "fence the old primary",
      actions: [
        `scale ${P.asg.name} in ${P.region} to 0 (no instance of P may write to the old primary); wait until it lists no instance`,
      ],
      destructive: true,
      local: "stop P's app instance",
    },
    {
      id: "snapshot",
      title: "snapshot the old primary",
      actions: [
        `CreateDBSnapshot ${n.snapshot} of ${P.db.instanceId}: its writes that never reached B are the RPO loss, to reconcile from this snapshot`,
        `wait until ${n.snapshot} is available`,
      ],
      destructive: false,
      local: "stop the old primary PostgreSQL and copy its data directory",
    },
    {
      id: "reverse-replication",
      title: "rebuild replication in the reverse direction",
      actions: [
        `once ${P.db.instanceId} is available, rename it to ${n.fencedPrimary} (kept until reconciled; delete it yourself after)`,
        `CreateDBInstanceReadReplica ${P.db.instanceId} in ${P.region} from ${B.db.arn} with ${n.fencedPrimary}'s settings: P's KMS key, subnets, parameter group, security groups, Multi-AZ, minor upgrades off, deletion protection, tags, log exports`,
        `wait until ${P.db.instanceId} is available and replicating (StatusInfos "read replication")`,
      ],
      destructive: true,
      local: "rebuild the old primary's data directory with pg_basebackup from B's PostgreSQL, streaming",
    },
    {
      id: "restore-primary-capacity",
      title: "bring P's instances back",
      actions: [
        `scale ${P.asg.name} to ${P.asg.desiredCapacity} (its instances serve reads from the replica until the switchover); wait until ${P.asg.desiredCapacity} are InService and Healthy`,
      ],
      destructive: false,
      local: "start P's app instance (on P's replica)",
    },
    {
      id: "switchover",
      title: "planned switchover with zero data loss",
      actions: [
        `fence B's writes: ${B.db.instanceId}'s database read-only for new sessions (ALTER DATABASE ... SET default_transaction_read_only), every other session ended, checked in a new session; B's instances keep serving reads`,
        `wait until ${P.db.instanceId} has replayed B's WAL position taken after the fence (SQL: pg_current_wal_lsn on B, pg_last_wal_replay_lsn on P); if it does not, lift the fence and stop`,
        `once ${P.db.instanceId} is available, PromoteReadReplica; wait until standalone and available; lift the fence the WAL carried to P and see it take writes; wait for healthy targets in P`,
      ],
      destructive: true,
      local:
        "the same SQL against the local PostgreSQL servers; pg_promote() on P's once PromoteReadReplica reached the emulator",
    },
    {
      id: "unlatch",
      title: "unlatch DNS",
      actions: [
        `delete the latch object s3://${config.dns.latch.bucket}/${config.dns.latch.key} in ${B.region} (DeleteObject); wait until GetObject reads it absent`,
        `wait until ${config.dns.recordName} answers P because P is healthy, and the alarm ${config.dns.alarm.name} is OK again`,
      ],
      destructive: true,
      local: "the harness sets the alarm to OK (the emulator does not evaluate it)",
    },
    {
      id: "scale-backup-down",
      title: "scale B back down",
      actions: [
        `scale ${B.asg.name} in ${B.region} to min 0 / max 0 / desired 0; wait until it lists no instance`,
      ],
      destructive: true,
    },
    {
      id: "rebuild-backup-replica",
      title: "restore the pilot light: B's replica",
      actions: [
        `once ${B.db.instanceId} is available, rename it to ${n.retiredBackup} (stale since the switchover; delete it yourself after)`,
        `CreateDBInstanceReadReplica ${B.db.instanceId} in ${B.region} from ${P.db.arn} with ${n.retiredBackup}'s settings (B's KMS key, subnets, parameter group, security groups, ...)`,
        `wait until ${B.db.instanceId} is available and replicating (StatusInfos "read replication")`,
      ],
      destructive: true,
      local: "rebuild B's data directory with pg_basebackup from P's PostgreSQL, streaming",
    },
    {
      id: "close-incident",
      title: "close the incident",
      actions: [
        `lock record of ${config.deployment}: closed, unarmed, read back closed; the readiness function re-arms it once it sees P healthy`,
      ],
      destructive: false,
    },
  ];
}
