import type { DeploymentConfig } from "./config.js";

/**
 * The recovery-time model (docs/cli.md, `rto`):
 *   RTO = detect + decide + max(promote, capacity) + dns
 * computed for the best, typical and worst case. Terraform computes the same worst case in
 * terraform/rto.tf to refuse a configuration over target; scripts/check-deployment.ts keeps the two
 * equal (it compares Terraform's rto_model output with this model after the local apply).
 */

export type Case = "best" | "typical" | "worst";
export const CASES: readonly Case[] = ["best", "typical", "worst"];
export type Range = Record<Case, number>;

export interface RtoInputs {
  healthCheckIntervalSeconds: 10 | 30;
  healthCheckFailureThreshold: number;
  alarmEvaluationPeriods: number;
  alarmPeriodSeconds: number;
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
  detect: number;
  decide: number;
  promote: number;
  capacity: number;
  dns: number;
  total: number;
}

export interface RtoModel {
  cases: Record<Case, RtoTerms>;
  /** The shortest recovery any configuration allows: fastest detection, best-case everything else. */
  floor: RtoTerms;
  /** interval x threshold + alarm periods: must exceed an in-region Multi-AZ failover. */
  detectionWindowSeconds: number;
  targetSeconds: number;
  withinTarget: boolean;
}

/** An RDS Multi-AZ failover inside one region takes one to two minutes (RDS user guide, "Failover process for Amazon RDS"). */
export const MULTI_AZ_FAILOVER_SECONDS = 120;

function terms(i: RtoInputs, c: Case, interval: number, threshold: number, periods: number): RtoTerms {
  // A failure lands anywhere in a check interval: best case right before a check, worst right after.
  const phase = c === "best" ? 0 : c === "typical" ? interval / 2 : interval;
  const detect = interval * threshold + phase + periods * i.alarmPeriodSeconds + i.metricDelaySeconds[c];
  const launch = i.warmPoolSize > 0 ? i.warmPoolLaunchSeconds[c] : i.instanceLaunchSeconds[c];
  const capacity = launch + i.appStartSeconds[c] + i.targetHealthyThreshold * i.targetIntervalSeconds;
  // Best case: the resolver's cached answer expired just as the record changed.
  const dns = c === "best" ? 0 : i.dnsTtlSeconds + i.resolverCacheSeconds[c];
  const decide = i.decideSeconds[c];
  const promote = i.promoteSeconds[c];
  const total = detect + decide + Math.max(promote, capacity) + dns;
  return { detect, decide, promote, capacity, dns, total: Math.round(total) };
}

/** Computes best, typical and worst recovery time and the physical floor from the settings. */
export function rtoModel(i: RtoInputs): RtoModel {
  const cases = Object.fromEntries(
    CASES.map((c) => [
      c,
      terms(i, c, i.healthCheckIntervalSeconds, i.healthCheckFailureThreshold, i.alarmEvaluationPeriods),
    ]),
  ) as Record<Case, RtoTerms>;
  return {
    cases,
    floor: terms(i, "best", 10, 1, 1),
    detectionWindowSeconds:
      i.healthCheckIntervalSeconds * i.healthCheckFailureThreshold +
      i.alarmEvaluationPeriods * i.alarmPeriodSeconds,
    targetSeconds: i.rtoTargetSeconds,
    withinTarget: cases.worst.total <= i.rtoTargetSeconds,
  };
}

/** Names every term of a worst case over target, for an error a user can act on. */
export function explainOverTarget(model: RtoModel): string {
  const w = model.cases.worst;
  return (
    `worst-case recovery ${w.total}s exceeds the target ${model.targetSeconds}s: ` +
    `detect ${w.detect}s + decide ${w.decide}s + max(promote ${w.promote}s, capacity ${w.capacity}s) + dns ${w.dns}s. ` +
    "Shorten detection (interval, failure threshold, alarm periods), add a warm pool, or raise the target."
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
