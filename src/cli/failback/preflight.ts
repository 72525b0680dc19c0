import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { databasePortFor, dynamoDbLockPort } from "../../functions/shared/aws-ports.js";
import type { DatabaseState } from "../../functions/shared/ports.js";
import { CliError, ExitCode } from "../exit-codes.js";

/**
 * Refuses to start unless there is a completed failover to come back from, B's database is
 * standalone and P's region answers; returns what it checked, for the plan's output.
 */
export async function preflight(clients: Clients, config: DeploymentConfig): Promise<string[]> {
  const lock = dynamoDbLockPort(clients.dynamoDb(config.backup.region), config.failover.lockTableName);
  const record = await lock.read(config.deployment);
  if (record?.state !== "completed") {
    throw new CliError(
      record?.state === "in-progress" || record?.state === "failed" || record?.state === "pending-approval"
        ? `incident ${record.incidentId} is ${record.state}: finish the failover first (pilotlight approve, or wait), then fail back.`
        : `no completed failover to fail back from (lock record: ${record?.state ?? "none"}). See pilotlight status.`,
      ExitCode.failed,
    );
  }
  const backupDb = await databasePortFor(clients, config.backup.region).describe(config.backup.db.instanceId);
  if (!backupDb || backupDb.sourceId) {
    throw new CliError(
      `${config.backup.db.instanceId} is ${backupDb ? "still a replica" : "missing"}: the promotion has not finished. Wait, and follow it with pilotlight status.`,
      ExitCode.failed,
    );
  }
  let primaryDb: DatabaseState | undefined;
  try {
    primaryDb = await databasePortFor(clients, config.primary.region).describe(config.primary.db.instanceId);
  } catch (err) {
    throw new CliError(
      `the primary region ${config.primary.region} does not answer (${(err as Error).name}): failback needs P healthy. Retry when it answers (pilotlight status shows it).`,
      ExitCode.primaryUnknown,
      { cause: err },
    );
  }
  return [
    `incident ${record.incidentId} completed at ${record.completedAt}`,
    `${config.backup.db.instanceId} in ${config.backup.region}: standalone, ${backupDb.status}`,
    `${config.primary.db.instanceId} in ${config.primary.region}: ${primaryDb ? `${primaryDb.status}${primaryDb.sourceId ? `, replica of ${primaryDb.sourceId}` : ", standalone (the old primary)"}` : "missing"}`,
  ];
}
