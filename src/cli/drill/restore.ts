import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { invertEndpointCheck } from "./endpoint-check.js";

/**
 * A drill whose failover never wrote the latch object would leave P's endpoint check inverted (P
 * marked unhealthy, DNS on B once B is healthy) with nobody in charge: undo the drill's inversion
 * and say so. `latchedAt`: when the drill saw the latch object in B.
 */
export async function restoreIfNotLatched(
  clients: Clients,
  config: DeploymentConfig,
  latchedAt: number | undefined,
  log: (m: string) => void,
): Promise<boolean> {
  if (latchedAt !== undefined) return false;
  await invertEndpointCheck(clients, config, false);
  log(
    `the failover did not write the latch object: the drill's inversion undone (P's endpoint check ${config.dns.healthCheckId} Inverted = false)`,
  );
  return true;
}
