import type { DBInstance } from "@aws-sdk/client-rds";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { databasePortFor, dynamoDbLockPort } from "../../functions/shared/aws-ports.js";
import {
  createdAfterIncident,
  type IncidentRef,
  type OperationRecord,
} from "../../functions/shared/operation-record.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { failbackRecordPort, incidentToFailBackFrom, pastPromotion } from "./record.js";
import { describeInstance } from "./steps.js";

export interface Preflight {
  /** What it checked, for the plan's output. */
  checks: string[];
  incident: IncidentRef;
  /** The stored failback record of this incident: a run to resume. */
  stored: OperationRecord | undefined;
  /** The stored record as read, of any incident: a new run replaces it at its version. */
  found: OperationRecord | undefined;
}

/**
 * Refuses to start unless there is a failover to come back from (or a failback of it to finish),
 * B's database is standalone while the record has not reached the promotion of P, and P's region
 * answers. Without a record of this incident it also refuses a standalone P created after the
 * incident completed: that is an earlier failback's new primary, whose record is gone, and starting
 * over would fence and rename it.
 */
export async function preflight(clients: Clients, config: DeploymentConfig): Promise<Preflight> {
  const P = config.primary;
  const B = config.backup;
  const lock = await dynamoDbLockPort(clients.dynamoDb(B.region), config.failover.lockTableName).read(
    config.deployment,
  );
  const found = await failbackRecordPort(clients, config).read();
  const incident = incidentToFailBackFrom(lock, found);
  const stored = found?.incidentId === incident.incidentId && !found.closedAt ? found : undefined;
  const checks = [
    lock?.state === "completed"
      ? `incident ${incident.incidentId} completed at ${incident.completedAt}`
      : `incident ${incident.incidentId} closed at ${lock?.closedAt}; the failback record does not say so yet`,
    stored
      ? `failback record ${stored.key}: resuming the run of ${stored.startedAt} by ${stored.by} (stamp ${stored.stamp})`
      : "no failback record of this incident: a new run",
  ];
  if (pastPromotion(stored)) {
    // B is the stale side now: renamed, missing or a replica already, as step 8 leaves it
    checks.push(`${B.db.instanceId} in ${B.region}: not checked, the record is past P's promotion`);
  } else {
    const backupDb = await databasePortFor(clients, B.region).describe(B.db.instanceId);
    if (!backupDb || backupDb.sourceId) {
      throw new CliError(
        `${B.db.instanceId} is ${backupDb ? "still a replica" : "missing"}: the promotion has not finished. Wait, and follow it with pilotlight status.`,
        ExitCode.failed,
      );
    }
    checks.push(`${B.db.instanceId} in ${B.region}: standalone, ${backupDb.status}`);
  }
  let primaryDb: DBInstance | undefined;
  try {
    primaryDb = await describeInstance(clients, P.region, P.db.instanceId);
  } catch (err) {
    throw new CliError(
      `the primary region ${P.region} does not answer (${(err as Error).name}): failback needs P healthy. Retry when it answers (pilotlight status shows it).`,
      ExitCode.primaryUnknown,
      { cause: err },
    );
  }
  const source = primaryDb?.ReadReplicaSourceDBInstanceIdentifier;
  if (
    !stored &&
    primaryDb &&
    !source &&
    createdAfterIncident(primaryDb.InstanceCreateTime, incident.completedAt)
  ) {
    throw new CliError(
      `${P.db.instanceId} in ${P.region} is standalone and was created ${primaryDb.InstanceCreateTime?.toISOString()}, after incident ${incident.incidentId} completed (${incident.completedAt}): it is a new primary, not the old one, and no failback record names it. Refusing to fence or rename it; see pilotlight status, and close the incident by hand if the failback already finished.`,
      ExitCode.failed,
    );
  }
  checks.push(
    `${P.db.instanceId} in ${P.region}: ${primaryDb ? `${primaryDb.DBInstanceStatus}${source ? `, replica of ${source}` : ", standalone"}` : "missing"}`,
  );
  return { checks, incident, stored, found };
}
