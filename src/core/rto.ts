import { type DeploymentConfig, PROBE_CADENCES } from "./config.js";

/**
 * The recovery-time model (docs/cli.md, `rto`), per scenario and for the best, typical and worst case:
 *
 *   RTO = detect + hold + decide + max(promote, capacity + dns)
 *
 * DNS overlaps the promotion. Once the failover runs, Route 53 already sees P's endpoint check
 * unhealthy (the guard proceeds only then), so the PRIMARY record is unhealthy and Route 53 answers
 * with the SECONDARY as soon as that record is healthy ("How Amazon Route 53 chooses records when
 * health checking is configured": it chooses a healthy record of the group). The SECONDARY is an
 * alias to B's ALB that evaluates target health ("an alias record inherits the health of the
 * referenced resource", AliasTarget EvaluateTargetHealth): it turns healthy with B's targets, while
 * the promotion runs. Writes wait for the promotion, reads and the app's answers do not; recovery
 * ends when both are done, hence the max.
 *
 * Detection has one term per trigger, and `detect` is the earliest the scenario leaves:
 * - route53: the us-east-1 alarm on HealthCheckStatus: Route 53's verdict (interval x failure
 *   threshold, "How Amazon Route 53 determines whether a health check is healthy") + the alarm's
 *   one-minute periods + the metric's delay.
 * - probe: the probe in B checks P every cadence seconds inside each one-minute invocation and,
 *   after failureCount consecutive failures, notifies the failover function directly (its topic);
 *   it notifies again after every further failure, so a guard that refused because Route 53 did
 *   not see P down yet proceeds at the first notification after Route 53's verdict.
 * - probeAlarm: the probe's alarm in B, the backstop; the hold scenario counts from it.
 *
 * Scenarios: P lost (both triggers), P and us-east-1 lost (the probe alone; the guard waits out its
 * best-effort calls to us-east-1), and an in-region recovery held: P's own API reports a Multi-AZ
 * failover or maintenance that does not bring P back, so the guard holds holdMaxSeconds from the
 * alarm's StateTransitionedTimestamp (the re-evaluation's alarm time: the probe's direct
 * notifications carry their own, newer time and are held each), and the next re-evaluation tick
 * proceeds. Terraform computes the same model in terraform/rto.tf and refuses a configuration over
 * target in any scenario; terraform/tests/plan.tftest.hcl pins its figures to the ones
 * src/core/rto.test.ts pins here, and scripts/check-deployment.ts compares the two after the
 * local apply.
 */

export type Case = "best" | "typical" | "worst";
export const CASES: readonly Case[] = ["best", "typical", "worst"];
export type Range = Record<Case, number>;

/** The events the model covers. With P = us-east-1 the first two are the same event. */
export type Scenario = "primary-lost" | "primary-and-us-east-1-lost" | "in-region-recovery-held";
export const SCENARIOS: readonly Scenario[] = [
  "primary-lost",
  "primary-and-us-east-1-lost",
  "in-region-recovery-held",
];

export interface RtoInputs {
  healthCheckIntervalSeconds: 10 | 30;
  healthCheckFailureThreshold: number;
  alarmEvaluationPeriods: number;
  alarmPeriodSeconds: number;
  /** The probe's and the re-evaluation's schedule (one minute). */
  probeScheduleSeconds: number;
  probeCadenceSeconds: number;
  probeFailureCount: number;
  probeTimeoutSeconds: number;
  probeAlarmEvaluationPeriods: number;
  bestEffortTimeoutSeconds: number;
  holdMaxSeconds: number;
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
  /** Failure to each trigger's delivery; route53 null when the scenario takes us-east-1 away. */
  triggers: { route53: number | null; probe: number; probeAlarm: number };
  detect: number;
  /** The in-region recovery's hold and the re-evaluation tick that ends it; 0 in the other scenarios. */
  hold: number;
  decide: number;
  promote: number;
  capacity: number;
  /** Route 53 sees B's record healthy, then resolvers' cached answers of P expire. */
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

/**
 * "Failover times are typically 60–120 seconds" (RDS User Guide, "Failing over a Multi-AZ DB
 * instance for Amazon RDS"), https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Failover.html
 */
export const MULTI_AZ_FAILOVER_SECONDS = 120;

/**
 * How late a one-minute scheduled invocation may start: "the minimum precision for schedules is 1
 * minute" (EventBridge User Guide, "Creating a scheduled rule"), so the gap between two probe
 * invocations may grow by up to a minute.
 */
export const SCHEDULE_PRECISION_SECONDS = 60;

interface Detection {
  interval: number;
  threshold: number;
  periods: number;
  probePeriods: number;
  cadence: number;
  count: number;
}

function terms(i: RtoInputs, scenario: Scenario, c: Case, d: Detection): RtoTerms {
  // A failure (or a change) lands anywhere in a check interval, a cadence or a TTL: best right
  // before the next run, typical half way, worst right after one.
  const phase = (period: number) => (c === "best" ? 0 : c === "typical" ? period / 2 : period);
  // A lost region mostly blackholes: a failing request waits out its timeout (best: refused at once).
  const timeout = c === "best" ? 0 : i.probeTimeoutSeconds;
  // Route 53's verdict flips after `threshold` consecutive checks, either way
  const verdict = d.interval * d.threshold + phase(d.interval);
  const route53 = verdict + d.periods * i.alarmPeriodSeconds + i.metricDelaySeconds[c];
  // the next probe: within a cadence, or (worst) across two invocations EventBridge started late
  const nextProbe = c === "worst" ? d.cadence + SCHEDULE_PRECISION_SECONDS : phase(d.cadence);
  const probeRun = nextProbe + (d.count - 1) * d.cadence + timeout;
  const probe = Math.max(probeRun, verdict + phase(d.cadence));
  // the invocation publishes its samples when it ends, up to a minute after the first
  const probeAlarm =
    phase(i.probeScheduleSeconds) + timeout + d.probePeriods * i.alarmPeriodSeconds + i.metricDelaySeconds[c];
  const triggers = { route53: scenario === "primary-and-us-east-1-lost" ? null : route53, probe, probeAlarm };
  const detect =
    scenario === "primary-lost"
      ? Math.min(route53, probe)
      : scenario === "primary-and-us-east-1-lost"
        ? probe
        : Math.min(route53, probeAlarm);
  const hold = scenario === "in-region-recovery-held" ? i.holdMaxSeconds + phase(i.probeScheduleSeconds) : 0;
  // The guard's best-effort calls run side by side: P's RDS API (lost when P is); with us-east-1
  // lost, the Route 53 API's timeout and then the health-signal read through DNS.
  const waits =
    c === "best" ? 0 : scenario === "primary-lost" ? 1 : scenario === "primary-and-us-east-1-lost" ? 2 : 0;
  const decide = i.decideSeconds[c] + waits * i.bestEffortTimeoutSeconds;
  const launch = i.warmPoolSize > 0 ? i.warmPoolLaunchSeconds[c] : i.instanceLaunchSeconds[c];
  const capacity = launch + i.appStartSeconds[c] + i.targetHealthyThreshold * i.targetIntervalSeconds;
  // Route 53's view of B turns healthy after `threshold` passing checks (bounding the target-health
  // propagation AWS does not document), then the cached answer of P expires in each resolver.
  const dns = verdict + phase(i.dnsTtlSeconds) + i.resolverCacheSeconds[c];
  const promote = i.promoteSeconds[c];
  const total = detect + hold + decide + Math.max(promote, capacity + dns);
  return { triggers, detect, hold, decide, promote, capacity, dns, total: Math.round(total) };
}

/** Computes best, typical and worst recovery time per scenario, and the physical floor, from the settings. */
export function rtoModel(i: RtoInputs): RtoModel {
  const settings: Detection = {
    interval: i.healthCheckIntervalSeconds,
    threshold: i.healthCheckFailureThreshold,
    periods: i.alarmEvaluationPeriods,
    probePeriods: i.probeAlarmEvaluationPeriods,
    cadence: i.probeCadenceSeconds,
    count: i.probeFailureCount,
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
    floor: terms(i, "primary-lost", "best", {
      interval: 10,
      threshold: 1,
      periods: 1,
      probePeriods: 1,
      cadence: PROBE_CADENCES[0],
      count: 1,
    }),
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
    const triggers =
      s === "in-region-recovery-held"
        ? [`us-east-1 alarm ${w.triggers.route53}s`, `probe alarm ${w.triggers.probeAlarm}s`]
        : [
            w.triggers.route53 === null ? "" : `us-east-1 alarm ${w.triggers.route53}s`,
            `probe ${w.triggers.probe}s`,
          ].filter(Boolean);
    return (
      `scenario ${s}: worst-case recovery ${w.total}s exceeds the target ${model.targetSeconds}s: ` +
      `detect ${w.detect}s (earliest of ${triggers.join(", ")}) + ` +
      (w.hold > 0 ? `hold ${w.hold}s (hold max + a re-evaluation tick) + ` : "") +
      `decide ${w.decide}s + max(promote ${w.promote}s, capacity ${w.capacity}s + dns ${w.dns}s)`
    );
  });
  return (
    `${over.join("; ")}. ` +
    "Shorten detection (interval, failure threshold, alarm periods, probe cadence and failure count), shorten the hold, add a warm pool, or raise the target."
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
    probeCadenceSeconds: config.probe.cadenceSeconds,
    probeFailureCount: config.probe.failureCount,
    probeTimeoutSeconds: config.probe.timeoutMs / 1000,
    probeAlarmEvaluationPeriods: config.probe.alarm.evaluationPeriods,
    bestEffortTimeoutSeconds: config.failover.bestEffortTimeoutMs / 1000,
    holdMaxSeconds: config.failover.holdMaxSeconds,
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
