import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { dynamoDbOperationRecordPort } from "../../functions/shared/aws-ports.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import {
  type IncidentRef,
  isStepFinal,
  type OperationRecord,
  type OperationRecordPort,
} from "../../functions/shared/operation-record.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { OperationProgress } from "../operation-progress.js";

/** The failback's item of the lock table: key `<deployment>#failback`. */
export const FAILBACK_OPERATION = "failback";

/** The failback's progress record as a run keeps it (OperationProgress; a lost write stops the run). */
export class FailbackProgress extends OperationProgress {
  constructor(port: OperationRecordPort, record: OperationRecord, now: () => number = Date.now) {
    super(port, record, "Re-run failback to continue from what it recorded.", now);
  }
}

/** The failback record's port: B's lock table, through B's DynamoDB (it answers while P is down). */
export function failbackRecordPort(clients: Clients, config: DeploymentConfig): OperationRecordPort {
  return dynamoDbOperationRecordPort(
    clients.dynamoDb(config.backup.region),
    config.failover.lockTableName,
    config.deployment,
    FAILBACK_OPERATION,
  );
}

/**
 * The incident failback returns from: the completed one, or, when the lock item is already
 * closed, the one the stored failback record names and has not closed (a run that died between
 * closing the incident and recording it). Refuses otherwise, saying why.
 */
export function incidentToFailBackFrom(
  lock: LockRecord | undefined,
  stored: OperationRecord | undefined,
): IncidentRef {
  if (lock?.state === "completed" && lock.incidentId && lock.completedAt)
    return { incidentId: lock.incidentId, completedAt: lock.completedAt };
  if (lock?.closedAt && stored && !stored.closedAt && stored.incidentId === lock.incidentId)
    return { incidentId: stored.incidentId, completedAt: stored.incidentCompletedAt };
  throw new CliError(
    lock?.state === "in-progress" || lock?.state === "failed" || lock?.state === "pending-approval"
      ? `incident ${lock.incidentId} is ${lock.state}: finish the failover first (pilotlight approve, or wait), then fail back.`
      : `no completed failover to fail back from (lock record: ${lock?.state ?? "none"}). See pilotlight status.`,
    ExitCode.failed,
  );
}

/** True once the record says P was promoted (or is being): from then on B is the stale side. */
export function pastPromotion(record: OperationRecord | undefined): boolean {
  return !!record && (isStepFinal(record, "switchover") || record.acts[PROMOTE_PRIMARY] !== undefined);
}

/** The acts failback records before its calls (docs/cli.md, the failback record). */
export const SNAPSHOT = "snapshot";
export const RENAME_PRIMARY = "rename-primary";
export const CREATE_PRIMARY_REPLICA = "create-primary-replica";
export const FENCE_BACKUP_WRITES = "fence-backup-writes";
export const PROMOTE_PRIMARY = "promote-primary";
export const RENAME_BACKUP = "rename-backup";
export const CREATE_BACKUP_REPLICA = "create-backup-replica";
