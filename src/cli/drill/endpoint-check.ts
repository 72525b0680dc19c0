import { UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";

/**
 * The drill's fault injection: invert P's endpoint check (config.dns.healthCheckId) so Route 53
 * sees P down whatever P answers; `inverted = false` undoes it (the drill's cleanup, failback).
 * This is not the latch: the latch is the object in B (config.dns.latch) that the failover writes.
 */
export async function invertEndpointCheck(
  clients: Clients,
  config: DeploymentConfig,
  inverted = true,
): Promise<void> {
  await clients
    .route53()
    .send(new UpdateHealthCheckCommand({ HealthCheckId: config.dns.healthCheckId, Inverted: inverted }));
}
