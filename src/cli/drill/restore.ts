import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { invertPrimaryHealthCheck } from "../../local/harness.js";

/**
 * A drill whose failover never latched P's health check would leave P marked unhealthy (and
 * DNS on B once B is healthy) with nobody in charge: undo the inversion and say so.
 */
export async function restoreIfNotLatched(
  clients: Clients,
  config: DeploymentConfig,
  latchedAt: number | undefined,
  log: (m: string) => void,
): Promise<boolean> {
  if (latchedAt !== undefined) return false;
  await invertPrimaryHealthCheck(clients, config, false);
  log(
    `the failover did not latch P's health check: inversion undone (health check ${config.dns.healthCheckId} Inverted = false)`,
  );
  return true;
}
