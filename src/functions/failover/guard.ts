import { checkersSeeHealthy, forcedUnhealthy } from "../../core/route53.js";
import type { HealthCheckState } from "../shared/ports.js";

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
 * - Otherwise: proceed only when Route 53's 18% rule (src/core/route53.ts) reads P unhealthy.
 */
export function guardVerdict(check: HealthCheckState | undefined): GuardVerdict {
  if (check === undefined) {
    return {
      proceed: false,
      code: "missing",
      reason: "P's health check does not exist: cannot confirm P is down",
    };
  }
  if (forcedUnhealthy(check)) {
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
  if (checkersSeeHealthy(check.observations.map((o) => o.healthy))) {
    return {
      proceed: false,
      code: "healthy",
      reason: `${summary}: Route 53 sees P healthy, a false positive`,
    };
  }
  return { proceed: true, code: "unhealthy", drill: false, reason: `${summary}: Route 53 sees P unhealthy` };
}
