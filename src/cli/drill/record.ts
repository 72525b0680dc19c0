import type { DeploymentConfig } from "../../core/config.js";
import type { DrillRecord, DrillRecordPort } from "../../functions/shared/ports.js";

/** A drill record outlives the drill's own timeout by this much: the failover function and the
 * drill's start (the local stack, the prompt) come before the timeout starts counting. */
export const DRILL_RECORD_SLACK_MS = 10 * 60_000;

/**
 * Runs a drill with its drill record in B: written before the drill declares P down, removed when
 * it ends, whatever the outcome. The failover's guard takes an inverted endpoint check for a drill
 * only while this record is live (issue 12); if the CLI dies, the record expires by itself.
 *
 * @example await withDrillRecord(port, config, "alice", 1200, () => runAwsDrill(...), warn)
 */
export async function withDrillRecord<T>(
  port: DrillRecordPort,
  config: DeploymentConfig,
  by: string,
  timeoutSeconds: number,
  drill: () => Promise<T>,
  warn: (message: string) => void,
  now = Date.now(),
): Promise<T> {
  const record: DrillRecord = {
    deployment: config.deployment,
    startedAt: new Date(now).toISOString(),
    by,
    expiresAt: new Date(now + timeoutSeconds * 1000 + DRILL_RECORD_SLACK_MS).toISOString(),
  };
  await port.write(record);
  try {
    return await drill();
  } finally {
    await port
      .remove()
      .catch((error: unknown) =>
        warn(
          `could not remove the drill record of ${config.deployment} (${(error as Error).message}); it stops counting at ${record.expiresAt}`,
        ),
      );
  }
}
