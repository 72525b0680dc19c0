import { checkersSeeHealthy } from "../../core/route53.js";
import { armRecord, closeRecord, type LockRecord, leaseLive } from "./lock-record.js";
import type { HealthCheckState, LockPort } from "./ports.js";

/** Closing or arming is not possible in the record's current state. */
export class IncidentStateError extends Error {
  override readonly name = "IncidentStateError";
  constructor(
    message: string,
    readonly record: LockRecord | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Sets the armed marker: P has been seen healthy as Route 53 sees it. Called by the readiness
 * function; until then an alarm (e.g. the red health check of a first deployment) cannot fail
 * over. Returns false, without writing, while an incident is open.
 */
export async function armDeployment(
  lock: LockPort,
  deployment: string,
  by: string,
  now = Date.now(),
): Promise<boolean> {
  const record = await lock.read(deployment);
  const next = armRecord(record, deployment, by, now);
  if (!next) return false;
  const result = await lock.transition(next, record);
  return result.won;
}

/**
 * Closes the deployment's incident after failback (the CLI's `failback` calls this last), so a
 * later incident can open. The deployment is left unarmed: the readiness function re-arms it when
 * it sees P healthy. Refuses while a failover holds a live lease.
 *
 * @example await closeIncident(ports.lock, config.deployment, "failback by alice");
 */
export async function closeIncident(
  lock: LockPort,
  deployment: string,
  by: string,
  now = Date.now(),
): Promise<LockRecord> {
  const record = await lock.read(deployment);
  if (!record || record.state === "unarmed" || record.state === "armed") {
    throw new IncidentStateError(`deployment ${deployment} has no open incident to close`, record);
  }
  if (leaseLive(record, now)) {
    throw new IncidentStateError(
      `incident ${record.incidentId} is in progress until ${record.leaseUntil}; wait for it to finish`,
      record,
    );
  }
  const next = closeRecord(record, by, now);
  const result = await lock.transition(next, record);
  if (!result.won) {
    throw new IncidentStateError(`incident ${record.incidentId} changed while closing it; retry`, record);
  }
  return next;
}

/** P healthy as Route 53 sees it (the condition that arms the deployment). */
export function seenHealthy(check: HealthCheckState | undefined): boolean {
  if (check === undefined || check.disabled || check.inverted) return false;
  return checkersSeeHealthy(check.observations.map((o) => o.healthy));
}
