import type { DeploymentConfig } from "./config.js";

/**
 * The recovery-time model (docs/cli.md, `rto`), per scenario:
 *   RTO = detect + decide + max(promote, capacity) + dns,  detect = the earliest trigger
 * computed for the best, typical and worst case. Two triggers reach the failover function: the
 * us-east-1 alarm on Route 53's HealthCheckStatus, and the probe alarm in B. Losing P leaves both
 * (unless P is us-east-1); losing P and us-east-1 leaves only the probe, and the guard then waits
 * out its best-effort calls to us-east-1 before reading Route 53's verdict from DNS. Terraform
 * computes the same model in terraform/rto.tf to refuse a configuration over target in any
 * scenario; scripts/check-deployment.ts keeps the two equal after the local apply.
 */

export type Case = "best" | "typical" | "worst";
export const CASES: readonly Case[] = ["best", "typical", "worst"];
export type Range = Record<Case, number>;

/** The region losses the model covers. With P = us-east-1 the two are the same event. */
export type Scenario = "primary-lost" | "primary-and-us-east-1-lost";
export const SCENARIOS: readonly Scenario[] = ["primary-lost", "primary-and-us-east-1-lost"];

export interface RtoInputs {
  healthCheckIntervalSeconds: 10 | 30;
  healthCheckFailureThreshold: number;
  alarmEvaluationPeriods: number;
  alarmPeriodSeconds: number;
  probeScheduleSeconds: number;
  probeTimeoutSeconds: number;
  probeAlarmEvaluationPeriods: number;
  bestEffortTimeoutSeconds: number;
  metricDelaySeconds: Range;
  decideSeconds: Range;
  promoteSeconds: Range;
  instanceLaunchSeconds: Range;
  warmPoolLaunchSeconds: Range;
  warmPoolSize: number;
  appStartSeconds: Range;
  targetHealthyThreshold: number;
  targetIntervalSeconds: number;
  dnsTtlSeconds: number;
  resolverCacheSeconds: Range;
  rtoTargetSeconds: number;
}

export interface RtoTerms {
  /** Failure to each trigger's delivery; null when the scenario takes the trigger away. */
  triggers: { route53: number | null; probe: number };
  detect: number;
  decide: number;
  promote: number;
  capacity: number;
  dns: number;
  total: number;
}

export interface ScenarioModel {
  scenario: Scenario;
  cases: Record<Case, RtoTerms>;
  targetSeconds: number;
  withinTarget: boolean;
}

export interface RtoModel {
  scenarios: Record<Scenario, ScenarioModel>;
  /** The shortest recovery any configuration allows: fastest detection, best-case everything else, P lost. */
  floor: RtoTerms;
  /** interval x threshold + alarm periods: must exceed an in-region Multi-AZ failover. */
  detectionWindowSeconds: number;
  targetSeconds: number;
  /** Every scenario's worst case within the target. */
  withinTarget: boolean;
}

/** An RDS Multi-AZ failover inside one region takes one to two minutes (RDS user guide, "Failover process for Amazon RDS"). */
export const MULTI_AZ_FAILOVER_SECONDS = 120;

interface Detection {
  interval: number;
  threshold: number;
  periods: number;
  probePeriods: number;
}

function terms(i: RtoInputs, scenario: Scenario, c: Case, d: Detection): RtoTerms {
  // A failure lands anywhere in a check interval (or probe schedule): best right before a run, worst right after.
  const phase = (period: number) => (c === "best" ? 0 : c === "typical" ? period / 2 : period);
  const route53 =
    d.interval * d.threshold + phase(d.interval) + d.periods * i.alarmPeriodSeconds + i.metricDelaySeconds[c];
  // A lost region mostly blackholes: the failing probe then waits out its timeout (best: refused at once).
  const probe =
    phase(i.probeScheduleSeconds) +
    (c === "best" ? 0 : i.probeTimeoutSeconds) +
    d.probePeriods * i.alarmPeriodSeconds +
    i.metricDelaySeconds[c];
  const triggers = { route53: scenario === "primary-lost" ? route53 : null, probe };
  const detect = Math.min(probe, triggers.route53 ?? Number.POSITIVE_INFINITY);
  // The guard's best-effort calls run side by side: P's RDS API (lost in both scenarios); with
  // us-east-1 lost, the Route 53 API's timeout and then the health-signal read through DNS.
  const waits = c === "best" ? 0 : scenario === "primary-lost" ? 1 : 2;
  const decide = i.decideSeconds[c] + waits * i.bestEffortTimeoutSeconds;
  const launch = i.warmPoolSize > 0 ? i.warmPoolLaunchSeconds[c] : i.instanceLaunchSeconds[c];
  const capacity = launch + i.appStartSeconds[c] + i.targetHealthyThreshold * i.targetIntervalSeconds;
  // Best case: the resolver's cached answer expired just as the record changed.
  const dns = c === "best" ? 0 : i.dnsTtlSeconds + i.resolverCacheSeconds[c];
  const promote = i.promoteSeconds[c];
  const total = detect + decide + Math.max(promote, capacity) + dns;
  return { triggers, detect, decide, promote, capacity, dns, total: Math.round(total) };
}

/** Computes best, typical and worst recovery time per scenario, and the physical floor, from the settings. */
export function rtoModel(i: RtoInputs): RtoModel {
  const settings: Detection = {
    interval: i.healthCheckIntervalSeconds,
    threshold: i.healthCheckFailureThreshold,
    periods: i.alarmEvaluationPeriods,
    probePeriods: i.probeAlarmEvaluationPeriods,
  };
  const scenario = (s: Scenario): ScenarioModel => {
    const cases = Object.fromEntries(CASES.map((c) => [c, terms(i, s, c, settings)])) as Record<
      Case,
      RtoTerms
    >;
    return {
      scenario: s,
      cases,
      targetSeconds: i.rtoTargetSeconds,
      withinTarget: cases.worst.total <= i.rtoTargetSeconds,
    };
  };
  const scenarios = Object.fromEntries(SCENARIOS.map((s) => [s, scenario(s)])) as Record<
    Scenario,
    ScenarioModel
  >;
  return {
    scenarios,
    floor: terms(i, "primary-lost", "best", { interval: 10, threshold: 1, periods: 1, probePeriods: 1 }),
    detectionWindowSeconds:
      i.healthCheckIntervalSeconds * i.healthCheckFailureThreshold +
      i.alarmEvaluationPeriods * i.alarmPeriodSeconds,
    targetSeconds: i.rtoTargetSeconds,
    withinTarget: SCENARIOS.every((s) => scenarios[s].withinTarget),
  };
}

/** Names every scenario over target and each of its worst-case terms, for an error a user can act on. */
export function explainOverTarget(model: RtoModel): string {
  const over = SCENARIOS.filter((s) => !model.scenarios[s].withinTarget).map((s) => {
    const w = model.scenarios[s].cases.worst;
    const triggers = [
      w.triggers.route53 === null ? "" : `us-east-1 alarm ${w.triggers.route53}s`,
      `probe alarm ${w.triggers.probe}s`,
    ].filter(Boolean);
    return (
      `scenario ${s}: worst-case recovery ${w.total}s exceeds the target ${model.targetSeconds}s: ` +
      `detect ${w.detect}s (earliest of ${triggers.join(", ")}) + decide ${w.decide}s + ` +
      `max(promote ${w.promote}s, capacity ${w.capacity}s) + dns ${w.dns}s`
    );
  });
  return (
    `${over.join("; ")}. ` +
    "Shorten detection (interval, failure threshold, alarm periods, probe alarm periods), add a warm pool, or raise the target."
  );
}

/** The model's inputs as the deployed configuration holds them. */
export function rtoInputsFromConfig(config: DeploymentConfig): RtoInputs {
  const { dns, rto, backup, thresholds } = config;
  return {
    healthCheckIntervalSeconds: dns.healthCheck.intervalSeconds,
    healthCheckFailureThreshold: dns.healthCheck.failureThreshold,
    alarmEvaluationPeriods: dns.alarm.evaluationPeriods,
    alarmPeriodSeconds: dns.alarm.periodSeconds,
    probeScheduleSeconds: config.probe.scheduleSeconds,
    probeTimeoutSeconds: config.probe.timeoutMs / 1000,
    probeAlarmEvaluationPeriods: config.probe.alarm.evaluationPeriods,
    bestEffortTimeoutSeconds: config.failover.bestEffortTimeoutMs / 1000,
    metricDelaySeconds: rto.metricDelaySeconds,
    decideSeconds: rto.decideSeconds,
    promoteSeconds: rto.promoteSeconds,
    instanceLaunchSeconds: rto.instanceLaunchSeconds,
    warmPoolLaunchSeconds: rto.warmPoolLaunchSeconds,
    warmPoolSize: backup.asg.warmPoolSize,
    appStartSeconds: rto.appStartSeconds,
    targetHealthyThreshold: rto.targetHealthyThreshold,
    targetIntervalSeconds: rto.targetIntervalSeconds,
    dnsTtlSeconds: dns.ttlSeconds,
    resolverCacheSeconds: rto.resolverCacheSeconds,
    rtoTargetSeconds: thresholds.rtoTargetSeconds,
  };
}
