/**
 * Route 53's routing rules, as AWS documents them, in one place and without any AWS call: the
 * failover function's guard, the CLI (`status`, `drill`, `failback`) and the local harness (which
 * plays Route 53's data plane against the emulator) all decide with these.
 *
 * Sources (Route 53 Developer Guide and API Reference):
 * - dns-failover-determining-health-of-endpoints.html: one checker's verdict and the 18% rule.
 * - API_HealthCheckConfig.html: Disabled, Inverted, HealthThreshold of a CALCULATED check.
 * - health-checks-how-route-53-chooses-records.html: record health, and "if no record is
 *   healthy, all records are healthy".
 * - API_AliasTarget.html (EvaluateTargetHealth: an ALB without a healthy target is unhealthy) and
 *   resource-record-sets-values-failover-alias.html, dns-failover-complex-configs.html ("What
 *   happens when you associate a health check with an alias record?": with both a health check and
 *   EvaluateTargetHealth, both must be healthy).
 * - API_ResourceRecordSet.html (Failover): with the SECONDARY unhealthy, Route 53 answers the
 *   PRIMARY whatever the PRIMARY's health.
 */

/**
 * Route 53 considers an endpoint healthy when more than 18% of its checkers report it healthy,
 * unhealthy at 18% or less (dns-failover-determining-health-of-endpoints.html).
 */
export const HEALTHY_CHECKER_FRACTION = 0.18;

/** A string-matching check searches this many bytes of the body (API_HealthCheckConfig.html). */
export const SEARCH_STRING_BYTES = 5120;

/** What one checker got from an HTTP(S) endpoint; `status` absent: no connection or no answer in time. */
export interface CheckerResponse {
  status?: number;
  body?: string;
}

/**
 * One checker's verdict on an HTTP(S) endpoint: a status of 200 or more and less than 400, and
 * for HTTP(S)_STR_MATCH the search string within the body's first 5,120 bytes
 * (API_HealthCheckConfig.html, Type). No answer in time is a failure.
 */
export function checkerPasses(response: CheckerResponse, searchString?: string): boolean {
  const { status } = response;
  if (status === undefined || status < 200 || status >= 400) return false;
  if (searchString === undefined) return true;
  const head = new TextEncoder().encode(response.body ?? "").subarray(0, SEARCH_STRING_BYTES);
  return new TextDecoder().decode(head).includes(searchString);
}

/**
 * A checker's verdict as GetHealthCheckStatus reports it: Route 53 phrases each observation's
 * `StatusReport.Status` as "Success: ..." or "Failure: ..." (API_StatusReport.html).
 */
export function reportPasses(status: string): boolean {
  return status.startsWith("Success");
}

/**
 * The endpoint's status from its checkers' verdicts: healthy only when more than 18% pass. No
 * verdict at all is no evidence of health: unhealthy.
 *
 * @example checkersSeeHealthy([true, false, false, false, false]) // 20% > 18%: true
 */
export function checkersSeeHealthy(verdicts: readonly boolean[]): boolean {
  if (verdicts.length === 0) return false;
  return verdicts.filter(Boolean).length / verdicts.length > HEALTHY_CHECKER_FRACTION;
}

export interface HealthCheckSettings {
  disabled: boolean;
  inverted: boolean;
}

/**
 * The status Route 53 routes on, from a check's own result (its checkers' status, or a calculated
 * check's children) and its settings: a disabled check is always healthy, and Inverted flips the
 * status (API_HealthCheckConfig.html, Disabled and Inverted). Disabled + Inverted is therefore
 * always unhealthy, whatever the checkers see.
 */
export function healthCheckStatus(result: boolean, settings: HealthCheckSettings): boolean {
  const base = settings.disabled ? true : result;
  return settings.inverted ? !base : base;
}

/**
 * A CALCULATED check: healthy when at least `healthThreshold` children are healthy. A threshold
 * above the number of children is always unhealthy, 0 always healthy (API_HealthCheckConfig.html,
 * HealthThreshold).
 */
export function calculatedHealthy(children: readonly boolean[], healthThreshold: number): boolean {
  return children.filter(Boolean).length >= healthThreshold;
}

/**
 * A CALCULATED check whose children were not all read: decided when the children that were read
 * already decide it whatever the others are (at least `healthThreshold` healthy, or too few left
 * to reach it), undefined otherwise. With every child known it is `calculatedHealthy`.
 *
 * @example calculatedStatus([true, undefined], 1) // true: one healthy child is enough
 */
export function calculatedStatus(
  children: readonly (boolean | undefined)[],
  healthThreshold: number,
): boolean | undefined {
  const healthy = children.filter((c) => c === true).length;
  const unknown = children.filter((c) => c === undefined).length;
  if (healthy >= healthThreshold) return true;
  if (healthy + unknown < healthThreshold) return false;
  return undefined;
}

/**
 * A check of the latch object in B (an HTTPS GET, terraform/modules/dns). A checker passes only
 * when it fetches the object (2xx); a missing object (403/404) or an unreachable B fails it.
 * - Inverted (the PRIMARY's child, "not latched"): the failure reads healthy, so only a written
 *   object that more than 18% of the checkers read latches P, and an outage of B never fails P over.
 * - Not inverted (the SECONDARY's child, "latch set"): healthy exactly while the checkers read the
 *   object, so a latched SECONDARY stays healthy whatever B's targets do.
 */
export function latchObjectCheckHealthy(responses: readonly CheckerResponse[], inverted: boolean): boolean {
  return healthCheckStatus(checkersSeeHealthy(responses.map((r) => checkerPasses(r))), {
    disabled: false,
    inverted,
  });
}

/** The PRIMARY's latch check ("standby takes over primary"): `latchObjectCheckHealthy`, inverted. */
export function latchCheckHealthy(responses: readonly CheckerResponse[]): boolean {
  return latchObjectCheckHealthy(responses, true);
}

/**
 * HealthThreshold of the records' CALCULATED checks (terraform/modules/dns): the PRIMARY's is
 * healthy while both P's endpoint check and the inverted latch check are (2 of 2); the
 * SECONDARY's while the latch is set OR B answers (1 of 2).
 */
export const RECORD_CHECK_THRESHOLDS = { primary: 2, secondary: 1 } as const;

/**
 * An ALB alias target with EvaluateTargetHealth: healthy when its target group has a healthy
 * target; a target group without registered targets is unhealthy (API_AliasTarget.html). One target
 * group per ALB here, so the count of healthy targets decides.
 */
export function albHealthy(healthyTargets: number): boolean {
  return healthyTargets > 0;
}

export type FailoverRole = "PRIMARY" | "SECONDARY";

export interface FailoverRecord {
  role: FailoverRole;
  /** The alias target (an ALB's DNS name), normalised by `normaliseDnsName`. */
  target: string;
  healthCheckId?: string;
  evaluateTargetHealth: boolean;
}

export interface RecordInputs {
  /** Routing status of the record's health check (`healthCheckStatus`); absent: unknown. */
  healthCheck?: boolean;
  /** Health of the alias target (`albHealthy`); absent: unknown, the health check decides. */
  target?: boolean;
}

/**
 * Whether Route 53 counts a record healthy: a record without a health check is healthy; with one,
 * its status; an alias with EvaluateTargetHealth also needs a healthy target, and with both, both
 * must be true (health-checks-how-route-53-chooses-records.html,
 * resource-record-sets-values-failover-alias.html "Health check").
 */
export function recordHealthy(record: FailoverRecord, inputs: RecordInputs): boolean {
  if (record.healthCheckId !== undefined && inputs.healthCheck !== true) return false;
  if (record.evaluateTargetHealth && inputs.target === false) return false;
  return true;
}

export interface DnsAnswer {
  role: FailoverRole;
  target: string;
  /** Why this record answers, in words, for status output and drill reports. */
  reason: string;
}

/**
 * The failover answer: PRIMARY while it is healthy, else SECONDARY while that is healthy. When no
 * record is healthy, Route 53 treats all as healthy and the failover policy answers PRIMARY
 * (health-checks-how-route-53-chooses-records.html).
 */
export function answerFailover(
  records: readonly FailoverRecord[],
  healthy: (r: FailoverRecord) => boolean,
): DnsAnswer {
  const primary = records.find((r) => r.role === "PRIMARY");
  const secondary = records.find((r) => r.role === "SECONDARY");
  if (!primary) throw new Error("no PRIMARY failover record: the pair is incomplete");
  if (healthy(primary)) return { role: "PRIMARY", target: primary.target, reason: "primary healthy" };
  if (secondary && healthy(secondary)) {
    return { role: "SECONDARY", target: secondary.target, reason: "primary unhealthy, secondary healthy" };
  }
  return {
    role: "PRIMARY",
    target: primary.target,
    reason: secondary
      ? "no record healthy: Route 53 treats all as healthy and answers the primary"
      : "primary unhealthy, no secondary",
  };
}

/** A health check as read from the API: its settings and its checkers' raw status (not inverted). */
export interface HealthCheckState extends HealthCheckSettings {
  observedHealthy: boolean;
}

/** A CALCULATED check: its children's ids and its HealthThreshold (API_HealthCheckConfig.html). */
export interface CalculatedCheck {
  children: readonly string[];
  healthThreshold: number;
}

/** A check of the latch object: whether it is inverted, and what its checkers get (`latchObjectCheckHealthy`). */
export interface LatchObjectCheck {
  inverted: boolean;
  responses: CheckerResponse[];
}

/** Everything a failover answer depends on, as read from the APIs. */
export interface DnsState {
  records: FailoverRecord[];
  /** Endpoint checks read through the API: their settings and their checkers' raw verdict. */
  healthChecks: Record<string, HealthCheckState>;
  /**
   * The records' CALCULATED checks, by id: GetHealthCheckStatus does not answer for one
   * (API_GetHealthCheckStatus.html), so its status is its children's, combined here.
   */
  calculatedChecks?: Record<string, CalculatedCheck>;
  /** The checks of the latch object, by id: read from the object their checkers fetch, not from the API. */
  latchChecks?: Record<string, LatchObjectCheck>;
  /** Healthy target count per normalised ALB DNS name; absent when its region did not answer. */
  healthyTargets: Record<string, number>;
}

/**
 * The routing status of check `id` in `state`: a latch-object check by what its checkers fetch, a
 * CALCULATED check by its children (`calculatedStatus`), any other by its settings and checkers.
 * Undefined when it was not read, or when the children that were read do not decide it.
 */
export function checkStatus(state: DnsState, id: string): boolean | undefined {
  const latch = state.latchChecks?.[id];
  if (latch) return latchObjectCheckHealthy(latch.responses, latch.inverted);
  const calculated = state.calculatedChecks?.[id];
  if (calculated) {
    return calculatedStatus(
      calculated.children.map((child) => checkStatus(state, child)),
      calculated.healthThreshold,
    );
  }
  const hc = state.healthChecks[id];
  return hc ? healthCheckStatus(hc.observedHealthy, hc) : undefined;
}

/** The inputs of `recordHealthy` for one record of a `DnsState`. */
export function recordInputs(state: DnsState, record: FailoverRecord): RecordInputs {
  const inputs: RecordInputs = {};
  const status = record.healthCheckId === undefined ? undefined : checkStatus(state, record.healthCheckId);
  if (status !== undefined) inputs.healthCheck = status;
  const targets = state.healthyTargets[record.target];
  if (targets !== undefined) inputs.target = albHealthy(targets);
  return inputs;
}

/** The name answered the way Route 53 answers the failover pair, from the state the APIs hold. */
export function answerFromState(state: DnsState): DnsAnswer {
  return answerFailover(state.records, (r) => recordHealthy(r, recordInputs(state, r)));
}

/** Route 53 compares alias targets without case, trailing dot or the `dualstack.` prefix. */
export function normaliseDnsName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^dualstack\./, "");
}

/** Route 53's verdict on P as the health-signal TXT pair answers it. */
export type HealthSignal = "healthy" | "unhealthy";

/**
 * The values of the health-signal failover TXT pair (terraform/modules/dns): the PRIMARY record,
 * which carries P's endpoint check, answers the first; the SECONDARY, without a check, the second.
 */
export const HEALTH_SIGNAL_VALUES: Record<HealthSignal, string> = {
  healthy: "primary-healthy",
  unhealthy: "primary-unhealthy",
};

/**
 * The latch check's routing verdict as the latch-signal TXT pair answers it (terraform/modules/dns):
 * the PRIMARY record carries the inverted latch check, so it answers "latch-open" while no latch
 * is seen (the check is healthy), and the SECONDARY "latch-holding" once Route 53 sees the latch.
 */
export type LatchSignal = "open" | "holding";

export const LATCH_SIGNAL_VALUES: Record<LatchSignal, string> = {
  open: "latch-open",
  holding: "latch-holding",
};

/**
 * The verdict in a TXT answer of a signal pair (each record's strings joined, as resolvers split
 * long values into chunks); undefined when neither value is there.
 */
export function signalVerdict<V extends string>(
  values: Record<V, string>,
  records: readonly (readonly string[])[],
): V | undefined {
  const answered = records.map((chunks) => chunks.join(""));
  return (Object.keys(values) as V[]).find((verdict) => answered.includes(values[verdict]));
}

export function healthSignalVerdict(records: readonly (readonly string[])[]): HealthSignal | undefined {
  return signalVerdict(HEALTH_SIGNAL_VALUES, records);
}

/**
 * What a signal TXT pair answers, by the failover rule: the PRIMARY value while the PRIMARY's check
 * is healthy, else the SECONDARY value (that record has no check, so it is always healthy). The
 * local name server answers with this, as Route 53's data plane would.
 */
function signalAnswer(primary: string, secondary: string, checkHealthy: boolean): string {
  const pair: FailoverRecord[] = [
    { role: "PRIMARY", target: primary, healthCheckId: "check", evaluateTargetHealth: false },
    { role: "SECONDARY", target: secondary, evaluateTargetHealth: false },
  ];
  return answerFailover(pair, (r) => recordHealthy(r, { healthCheck: checkHealthy })).target;
}

/** The health-signal pair's answer; its PRIMARY carries P's endpoint check. */
export function healthSignalAnswer(endpointHealthy: boolean): string {
  return signalAnswer(HEALTH_SIGNAL_VALUES.healthy, HEALTH_SIGNAL_VALUES.unhealthy, endpointHealthy);
}

/** The latch-signal pair's answer; its PRIMARY carries the inverted latch check. */
export function latchSignalAnswer(latchCheckHealthy: boolean): string {
  return signalAnswer(LATCH_SIGNAL_VALUES.open, LATCH_SIGNAL_VALUES.holding, latchCheckHealthy);
}
