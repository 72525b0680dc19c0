import type { HealthCheckState } from "./ports.js";

/**
 * Route 53 considers an endpoint healthy when more than 18% of its checkers report it healthy
 * (Route 53 developer guide, "How Route 53 determines whether a health check is healthy").
 */
export const HEALTHY_CHECKER_FRACTION = 0.18;

export type GuardCode =
  | "unhealthy"
  | "drill"
  | "latched"
  | "disabled"
  | "healthy"
  | "no-observations"
  | "missing";

export type GuardVerdict =
  | { proceed: true; code: "unhealthy" | "drill"; drill: boolean; reason: string }
  | { proceed: false; code: Exclude<GuardCode, "unhealthy" | "drill">; reason: string };

/**
 * The false-positive guard: does Route 53 itself see P as unhealthy right now? The alarm can be
 * stale, mis-wired or fired by a deployment; acting on it alone would fail over a healthy P.
 *
 * - Disabled + Inverted: the latch is set, so a failover is done or under way: do not start one.
 * - Disabled only: Route 53 treats a disabled check as healthy: P stays primary, do not act.
 * - Inverted only: a drill. Inversion is how an operator declares P down (the raw checker
 *   observations of a healthy P still read "Success"); treat the inversion itself as the
 *   declaration and proceed, whatever the raw observations say.
 * - Otherwise: proceed only when at most 18% of the checkers report P healthy.
 */
export function guardVerdict(check: HealthCheckState | undefined): GuardVerdict {
  if (check === undefined) {
    return {
      proceed: false,
      code: "missing",
      reason: "P's health check does not exist: cannot confirm P is down",
    };
  }
  if (check.disabled && check.inverted) {
    return {
      proceed: false,
      code: "latched",
      reason: `health check ${check.id} is latched (Disabled + Inverted): a failover is done or under way`,
    };
  }
  if (check.disabled) {
    return {
      proceed: false,
      code: "disabled",
      reason: `health check ${check.id} is disabled, which Route 53 treats as healthy: P stays primary`,
    };
  }
  if (check.inverted) {
    return {
      proceed: true,
      code: "drill",
      drill: true,
      reason: `health check ${check.id} is inverted (a drill): the inversion declares P down`,
    };
  }
  const total = check.observations.length;
  if (total === 0) {
    return {
      proceed: false,
      code: "no-observations",
      reason: `health check ${check.id} has no checker observations yet`,
    };
  }
  const healthy = check.observations.filter((o) => o.healthy).length;
  const summary = `${healthy} of ${total} Route 53 checkers report P healthy`;
  if (checkersSeeHealthy(check.observations)) {
    return {
      proceed: false,
      code: "healthy",
      reason: `${summary}: Route 53 sees P healthy, a false positive`,
    };
  }
  return { proceed: true, code: "unhealthy", drill: false, reason: `${summary}: Route 53 sees P unhealthy` };
}

/** P healthy as Route 53 sees it (the condition that arms the deployment). */
export function seenHealthy(check: HealthCheckState | undefined): boolean {
  if (check === undefined || check.disabled || check.inverted || check.observations.length === 0)
    return false;
  return checkersSeeHealthy(check.observations);
}

/** Route 53's own rule over raw checker observations: healthy when more than 18% say so. */
function checkersSeeHealthy(observations: HealthCheckState["observations"]): boolean {
  const healthy = observations.filter((o) => o.healthy).length;
  return healthy / observations.length > HEALTHY_CHECKER_FRACTION;
}
