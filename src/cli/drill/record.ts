import type { DeploymentConfig } from "../../core/config.js";
import type { DrillRecord, DrillRecordPort } from "../../functions/shared/ports.js";

/**
 * A drill record outlives the drill's own timeout by this much. The record only expires when the
 * CLI died without removing it; `expiresAt` comes from the operator's clock and is compared with
 * Lambda's, so a skewed clock must not end a running drill early.
 */
export const DRILL_RECORD_SLACK_MS = 10 * 60_000;

/**
 * The record a drill writes in B just before it fails P: while it is live the failover's guard
 * takes P's failure for a drill and marks the incident one (issue 12). If the CLI dies, the
 * record stops counting at `expiresAt` by itself.
 *
 * @example await port.write(drillRecordFor(config, "alice", 1200))
 */
export function drillRecordFor(
  config: DeploymentConfig,
  by: string,
  timeoutSeconds: number,
  now = Date.now(),
): DrillRecord {
  return {
    deployment: config.deployment,
    startedAt: new Date(now).toISOString(),
    by,
    expiresAt: new Date(now + timeoutSeconds * 1000 + DRILL_RECORD_SLACK_MS).toISOString(),
  };
}

/**
 * Removes the drill record when the drill ends, whatever its outcome (the command's `finally`);
 * a failure to remove only warns, since the record expires by itself.
 */
export async function endDrillRecord(
  port: DrillRecordPort,
  config: DeploymentConfig,
  warn: (message: string) => void,
): Promise<void> {
  await port
    .remove()
    .catch((error: unknown) =>
      warn(
        `could not remove the drill record of ${config.deployment} (${(error as Error).message}); it stops counting at its expiresAt`,
      ),
    );
}
