import type { DeploymentConfig } from "../../core/config.js";
import {
  AwsCallError,
  errorCode,
  FailoverStepError,
  fixFor,
  IncidentBusyError,
  LockError,
} from "../shared/errors.js";
import {
  entryDecision,
  type FenceRecord,
  fenceObserved,
  finishRecord,
  type IncidentTrigger,
  type LockRecord,
  openRecord,
  promotionAccepted,
  resumeRecord,
  STEP_NAMES,
  type StepName,
  type StepRecord,
  stepsToRun,
  type Timeline,
} from "../shared/lock-record.js";
import { type LoggerLike, type MetricsLike, noMetrics, silentLogger } from "../shared/observability.js";
import type { FailoverPorts } from "../shared/ports.js";
import { DEFAULT_RETRY, withThrottlingRetry } from "../shared/retry.js";
import { type GuardVerdict, guardVerdict, PAGING_REFUSALS } from "./guard.js";
import { formatNotification } from "./notification.js";
import {
  planCapacity,
  planFence,
  planLatch,
  planPromotion,
  type StepDecision,
  scaledCapacity,
} from "./plan.js";
import { gatherSignals, within } from "./signals.js";

export interface FailoverOptions {
  logger?: LoggerLike;
  metrics?: MetricsLike;
  /** Open an incident without the Route 53 confirmation (the operator's `approve --force`). */
  skipHealthConfirmation?: boolean;
}

export type FailoverResult =
  | { outcome: "completed"; incidentId: string; record: LockRecord }
  | { outcome: "pending"; incidentId: string; record: LockRecord }
  | { outcome: "pending-approval"; incidentId: string; record: LockRecord }
  | { outcome: "duplicate"; reason: string; incidentId?: string }
  /** The re-evaluation's fence attempt on a completed incident (fenceCompletedIncident). */
  | { outcome: "fence"; incidentId: string; record: LockRecord }
  | { outcome: "ignored"; code: string; reason: string };

/** Metric names of the time from the alarm to each action, in milliseconds. */
export const STEP_METRIC: Record<StepName, string> = {
  promote: "AlarmToPromoteMs",
  capacity: "AlarmToCapacityMs",
  latch: "AlarmToLatchMs",
};

/**
 * The failover sequence (README "How a failover runs", docs/functions.md), shared by the Lambda
 * handler (trigger `alarm`) and the CLI's `approve` (trigger `operator`): guard, lock, act (the
 * promotion and B's capacity at once, then the latch and the fence once the promotion was
 * accepted), record, notify. A step is done when its effect is observed; it never waits for one: an effect still under way (the promotion,
 * instances launching) leaves the incident in progress with its lease released ("pending"), and a
 * later run looks again. It throws FailoverStepError when a step failed or must be retried, after
 * recording it, so a retry resumes only the unfinished steps.
 *
 * @example
 *   const ports = createFailoverPorts(config);
 *   await runFailover(ports, config, { source: "operator", alarmTime: new Date().toISOString(), by: "alice" });
 */
export async function runFailover(
  ports: FailoverPorts,
  config: DeploymentConfig,
  trigger: IncidentTrigger,
  options: FailoverOptions = {},
): Promise<FailoverResult> {
  const log = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noMetrics;
  const deployment = config.deployment;

  const stored = await readLock(ports, deployment);
  const entry = entryDecision(stored, trigger, ports.clock.now());
  if (entry.kind === "ignore") {
    log.warn("failover not started", { code: entry.code, reason: entry.reason });
    metrics.addMetric("FailoverNotArmed", "Count", 1);
    return { outcome: "ignored", code: entry.code, reason: entry.reason };
  }
  if (entry.kind === "duplicate") return duplicate(entry.reason, stored?.incidentId, log, metrics);
  if (entry.kind === "busy") throw busy(entry.reason, stored, log, metrics);

  let claimed: LockRecord;
  if (entry.kind === "open") {
    const verdict: GuardVerdict = options.skipHealthConfirmation
      ? {
          proceed: true,
          code: "forced",
          drill: false,
          reason: `operator ${trigger.by ?? ""} skipped the confirmation`,
          signals: [],
        }
      : guardVerdict(
          await gatherSignals(ports, config, ports.clock.now()),
          { holdMaxSeconds: config.failover.holdMaxSeconds, alarmTime: trigger.alarmTime },
          ports.clock.now(),
        );
    if (!verdict.proceed) {
      log.warn("guard refused the failover", {
        code: verdict.code,
        reason: verdict.reason,
        signals: verdict.signals,
      });
      metrics.addMetric(verdict.code === "hold" ? "GuardHeld" : "GuardRefused", "Count", 1);
      if (PAGING_REFUSALS.has(verdict.code)) metrics.addMetric("GuardBlocked", "Count", 1);
      return { outcome: "ignored", code: verdict.code, reason: verdict.reason };
    }
    log.info("guard confirmed P down", {
      code: verdict.code,
      reason: verdict.reason,
      signals: verdict.signals,
    });
    // `stored` is armed here (entryDecision said open)
    const next = openRecord(stored as LockRecord, trigger, verdict, config.mode, ports.clock.now());
    const claim = await transition(ports, next, stored);
    if (!claim) throw busy("another invocation opened the incident first", undefined, log, metrics);
    claimed = next;
    if (claimed.state === "pending-approval") {
      log.info("approval mode: incident opened, waiting for pilotlight approve", {
        incidentId: claimed.incidentId,
      });
      metrics.addMetric("FailoverAwaitingApproval", "Count", 1);
      await notify(ports, claimed, config, log, metrics);
      return { outcome: "pending-approval", incidentId: claimed.incidentId as string, record: claimed };
    }
  } else {
    const next = resumeRecord(stored as LockRecord, trigger, ports.clock.now());
    const claim = await transition(ports, next, stored);
    if (!claim) throw busy("another invocation resumed the incident first", stored, log, metrics);
    claimed = next;
  }

  const incidentId = claimed.incidentId as string;
  const alarmAtMs = Date.parse(claimed.trigger?.alarmTime ?? trigger.alarmTime);
  const todo = stepsToRun(claimed.timeline);
  log.info("failover in progress", {
    incidentId,
    attempt: claimed.attempts,
    steps: todo,
    drill: claimed.drill,
  });
  metrics.addMetric(claimed.attempts === 1 ? "FailoverStarted" : "FailoverResumed", "Count", 1);

  const run = (step: StepName) =>
    runStep(
      step,
      claimed.timeline?.[step],
      ports,
      config,
      { id: incidentId, by: actor(trigger) },
      alarmAtMs,
      log,
    );
  // First the promotion, and B's capacity beside it (on the recovery-time path; see docs/functions.md
  // "Order"). Then, only once PromoteReadReplica was accepted (or the replica is standalone), the
  // latch and the fence at once: a refused promotion latches nothing and fences nothing.
  const first = todo.filter((s) => s !== "latch");
  const [rpo, ...firstResults] = await Promise.all([
    claimed.rpoObservedAt === undefined ? observeRpo(ports, config, log) : Promise.resolve(undefined),
    ...first.map(run),
  ]);
  const timeline: Timeline = { ...claimed.timeline };
  const results: StepResult[] = [];
  const record = (steps: StepName[], done: StepResult[]) =>
    steps.forEach((step, i) => {
      const result = done[i] as StepResult;
      results.push(result);
      timeline[step] = result.entry;
      if (result.entry.outcome === "done" && result.entry.msSinceAlarm !== undefined) {
        metrics.addMetric(STEP_METRIC[step], "Milliseconds", result.entry.msSinceAlarm);
      }
    });
  record(first, firstResults as StepResult[]);
  if (promotionAccepted(timeline.promote)) {
    const after = todo.filter((s) => s === "latch");
    const [fence, ...afterResults] = await Promise.all([
      fenceObserved(claimed.timeline)
        ? Promise.resolve(undefined)
        : fencePrimary(ports, config, claimed.timeline?.fence, alarmAtMs, log),
      ...after.map(run),
    ]);
    if (fence) timeline.fence = fence;
    record(after, afterResults);
  } else if (todo.includes("latch")) {
    log.warn("the promotion was not accepted: no latch, no fence; the re-evaluation tries again", {
      incidentId,
      promote: timeline.promote?.detail,
    });
  }
  const withRpo: LockRecord = rpo
    ? { ...claimed, rpoEstimateSeconds: rpo.lagSeconds, rpoObservedAt: rpo.observedAt }
    : claimed.rpoObservedAt === undefined
      ? { ...claimed, rpoObservedAt: new Date(ports.clock.now()).toISOString() }
      : claimed;
  if (withRpo.rpoEstimateSeconds !== undefined) {
    metrics.addMetric("ReplicaLagAtFailoverSeconds", "Seconds", withRpo.rpoEstimateSeconds);
  }
  const finished = finishRecord(withRpo, timeline, ports.clock.now());
  const written = await transition(ports, finished, claimed);
  if (!written)
    log.warn("the incident changed under this invocation (lease taken over); outcome not recorded", {
      incidentId,
    });
  // a pending incident is re-run every minute: notify its state changes, not every look
  if (!(finished.state === "in-progress" && stored?.state === "in-progress"))
    await notify(ports, finished, config, log, metrics);

  if (finished.state === "in-progress") {
    const pending = todo.filter((s) => timeline[s]?.outcome === "pending");
    metrics.addMetric("FailoverPending", "Count", 1);
    log.info("failover actions under way; a later run checks their effect", {
      incidentId,
      pending,
      timeline,
    });
    return { outcome: "pending", incidentId, record: finished };
  }
  if (finished.state === "completed") {
    // the steps' effects, not the fence's: it is best effort
    const last = Math.max(...STEP_NAMES.map((s) => timeline[s]?.msSinceAlarm ?? 0));
    metrics.addMetric("AlarmToAllActionsMs", "Milliseconds", last);
    metrics.addMetric("FailoverCompleted", "Count", 1);
    log.info("failover completed: every step's effect observed", {
      incidentId,
      timeline,
      rpoEstimateSeconds: finished.rpoEstimateSeconds,
    });
    return { outcome: "completed", incidentId, record: finished };
  }
  metrics.addMetric("FailoverStepFailed", "Count", 1);
  const failed = todo.filter(
    (s) => timeline[s]?.outcome === "failed" || timeline[s]?.outcome === "retry-later",
  );
  const firstCause = results.find((r) => r.error !== undefined)?.error;
  throw new FailoverStepError(`failover ${incidentId} did not finish: ${finished.error}`, failed, {
    cause: firstCause,
  });
}

/** The incident the steps act for, and who to name in what they write (the latch object). */
interface Incident {
  id: string;
  by: string;
}

/** The approving operator, or the function and what woke it. */
function actor(trigger: IncidentTrigger): string {
  if (trigger.by) return trigger.by;
  return `pilotlight failover (${trigger.source}${trigger.alarmName ? `: ${trigger.alarmName}` : ""})`;
}

/** A step's timeline entry, and the SDK error of a failed step (the cause runFailover throws). */
interface StepResult {
  entry: StepRecord;
  error?: unknown;
}

function duplicate(
  reason: string,
  incidentId: string | undefined,
  log: LoggerLike,
  metrics: MetricsLike,
): FailoverResult {
  log.info("duplicate delivery, nothing to do", { reason, incidentId });
  metrics.addMetric("FailoverDuplicate", "Count", 1);
  return { outcome: "duplicate", reason, ...(incidentId ? { incidentId } : {}) };
}

/** A live lease elsewhere: the retryable error (see IncidentBusyError), logged and counted. */
function busy(
  reason: string,
  record: LockRecord | undefined,
  log: LoggerLike,
  metrics: MetricsLike,
): IncidentBusyError {
  log.warn("incident held by another invocation; failing so the retry comes back after its lease", {
    reason,
    incidentId: record?.incidentId,
    leaseUntil: record?.leaseUntil,
  });
  metrics.addMetric("FailoverBusy", "Count", 1);
  return new IncidentBusyError(reason, record?.incidentId, record?.leaseUntil);
}

async function readLock(ports: FailoverPorts, deployment: string): Promise<LockRecord | undefined> {
  try {
    return await withThrottlingRetry(() => ports.lock.read(deployment), {
      ...DEFAULT_RETRY,
      sleep: ports.clock.sleep,
    });
  } catch (cause) {
    throw new LockError(
      `cannot read the lock of ${deployment}: ${errorCode(cause)}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

async function transition(
  ports: FailoverPorts,
  next: LockRecord,
  expected: LockRecord | undefined,
): Promise<boolean> {
  try {
    const result = await withThrottlingRetry(() => ports.lock.transition(next, expected), {
      ...DEFAULT_RETRY,
      sleep: ports.clock.sleep,
    });
    return result.won;
  } catch (cause) {
    throw new LockError(
      `cannot write the lock of ${next.deployment} (to ${next.state}): ${errorCode(cause)}: ${(cause as Error).message}`,
      { cause },
    );
  }
}

async function observeRpo(
  ports: FailoverPorts,
  config: DeploymentConfig,
  log: LoggerLike,
): Promise<{ lagSeconds?: number; observedAt: string } | undefined> {
  try {
    const lagSeconds = await ports.database.replicaLagSeconds(config.backup.db.instanceId);
    return {
      ...(lagSeconds !== undefined ? { lagSeconds } : {}),
      observedAt: new Date(ports.clock.now()).toISOString(),
    };
  } catch (error) {
    // the RPO estimate is evidence, not a precondition: a failover never waits or fails for it
    log.warn("could not read the replica lag (RPO estimate unknown)", { error: errorCode(error) });
    return undefined;
  }
}

/**
 * Fences P where P's own API answers: its group to zero (plan.ts planFence), with the best-effort
 * client and bound, so a lost P costs at most config.failover.bestEffortTimeoutMs per call and
 * holds nothing up. Never a condition of completion. Every attempt counts into the one fence entry
 * (`attempts`, `lastAttemptAt`, the last detail); a P that does not answer, or a group whose
 * instances are still terminating, is tried again on the next run, and after completion by the
 * re-evaluation (fenceCompletedIncident), until the group lists no instance.
 */
async function fencePrimary(
  ports: FailoverPorts,
  config: DeploymentConfig,
  previous: FenceRecord | undefined,
  alarmAtMs: number,
  log: LoggerLike,
): Promise<FenceRecord> {
  const { name } = config.primary.asg;
  const bound = config.failover.bestEffortTimeoutMs;
  const started = new Date(ports.clock.now()).toISOString();
  const look = async () =>
    planFence(await within(ports.primaryGroup.describe(name), bound, "P's Auto Scaling API"), name);
  let actedAt = previous?.actedAt;
  let outcome: StepRecord["outcome"];
  let detail: string;
  try {
    let decision = await look();
    if (decision.action === "act") {
      await within(
        ports.primaryGroup.scale(name, { min: 0, max: 0, desired: 0 }),
        bound,
        "P's Auto Scaling API",
      );
      actedAt = new Date(ports.clock.now()).toISOString();
      decision = await look();
    }
    outcome = decision.action === "done" ? (actedAt ? "done" : "skipped") : "pending";
    detail = decision.detail;
  } catch (error) {
    outcome = "failed";
    detail = `best effort, not a condition of the failover: P's group ${name} not fenced (${errorCode(error)}: ${(error as Error).message}); tried again on the next run, after completion too, until P's group lists no instance`;
  }
  const finished = ports.clock.now();
  const entry: FenceRecord = {
    startedAt: previous?.startedAt ?? started,
    finishedAt: new Date(finished).toISOString(),
    outcome,
    detail,
    msSinceAlarm: Math.max(0, finished - alarmAtMs),
    attempts: (previous?.attempts ?? 0) + 1,
    lastAttemptAt: started,
    ...(actedAt ? { actedAt } : {}),
  };
  log[outcome === "failed" ? "warn" : "info"](`fence P: ${outcome}`, {
    detail,
    attempts: entry.attempts,
  });
  return entry;
}

/**
 * The re-evaluation's fence of a completed incident whose fence was not observed yet (P's API did
 * not answer, or P's instances were still terminating): one more attempt, recorded in the incident's
 * timeline with a conditional write (no write if the incident changed meanwhile, e.g. failback
 * closed it). In a real region loss P's API comes back long after the incident completed: this is
 * what fences P then, within a minute of P answering.
 */
export async function fenceCompletedIncident(
  ports: FailoverPorts,
  config: DeploymentConfig,
  stored: LockRecord,
  options: Pick<FailoverOptions, "logger" | "metrics"> = {},
): Promise<FailoverResult> {
  const log = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noMetrics;
  const incidentId = stored.incidentId as string;
  const alarmAtMs = Date.parse(stored.trigger?.alarmTime ?? stored.completedAt ?? stored.updatedAt);
  const fence = await fencePrimary(ports, config, stored.timeline?.fence, alarmAtMs, log);
  const next: LockRecord = {
    ...stored,
    timeline: { ...stored.timeline, fence },
    updatedAt: new Date(ports.clock.now()).toISOString(),
  };
  const written = await transition(ports, next, stored);
  if (!written) log.warn("the incident changed under the fence; attempt not recorded", { incidentId });
  metrics.addMetric(fenceObserved(next.timeline) ? "FenceObserved" : "FencePending", "Count", 1);
  return { outcome: "fence", incidentId, record: next };
}

/** Looks, decides (plan.ts), acts, looks again; records the step in the timeline whatever happens. */
async function runStep(
  step: StepName,
  previous: StepRecord | undefined,
  ports: FailoverPorts,
  config: DeploymentConfig,
  incident: Incident,
  alarmAtMs: number,
  log: LoggerLike,
): Promise<StepResult> {
  const incidentId = incident.id;
  const started = ports.clock.now();
  const retry = { ...DEFAULT_RETRY, sleep: ports.clock.sleep };
  const acted = { at: previous?.actedAt };
  let entry: StepRecord;
  let failure: unknown;
  try {
    const decision = await withThrottlingRetry(
      () => stepBody(step, ports, config, incident, retry, acted),
      retry,
    );
    entry = {
      startedAt: new Date(started).toISOString(),
      outcome: outcomeOf(decision, acted.at !== undefined),
      detail: decision.detail,
    };
  } catch (error) {
    const code = errorCode(error);
    failure = error;
    entry = {
      startedAt: new Date(started).toISOString(),
      outcome: "failed",
      detail: `${code}: ${(error as Error).message}. Fix: ${fixFor(step, code)}`,
    };
  }
  if (acted.at !== undefined) entry.actedAt = acted.at;
  const finished = ports.clock.now();
  entry.finishedAt = new Date(finished).toISOString();
  entry.msSinceAlarm = Math.max(0, finished - alarmAtMs);
  const level = entry.outcome === "failed" ? "error" : entry.outcome === "retry-later" ? "warn" : "info";
  log[level](`step ${step}: ${entry.outcome}`, {
    incidentId,
    step,
    detail: entry.detail,
    msSinceAlarm: entry.msSinceAlarm,
  });
  try {
    await withThrottlingRetry(() => ports.lock.recordStep(config.deployment, incidentId, step, entry), retry);
  } catch (error) {
    // the final transition writes the whole timeline again; this write only makes progress visible early
    log.warn("could not record the step in the lock table", { step, error: errorCode(error) });
  }
  return failure === undefined ? { entry } : { entry, error: failure };
}

/** The timeline outcome of a step's last decision; an effect observed is `done` only if this incident acted. */
function outcomeOf(decision: StepDecision, acted: boolean): StepRecord["outcome"] {
  switch (decision.action) {
    case "done":
      return acted ? "done" : "skipped";
    // still "act" after acting: the API has not caught up yet (it answers eventually consistent)
    case "act":
    case "pending":
      return "pending";
    case "retry-later":
      return "retry-later";
    case "fail":
      return "failed";
  }
}

/**
 * One step: look, act if the plan says so (once per run), and look again, so the decision returned
 * is what was observed after acting. `acted.at` is set when the call is made.
 */
async function stepBody(
  step: StepName,
  ports: FailoverPorts,
  config: DeploymentConfig,
  incident: Incident,
  retry: Parameters<typeof withThrottlingRetry>[1],
  acted: { at?: string },
): Promise<StepDecision> {
  const now = () => new Date(ports.clock.now()).toISOString();
  switch (step) {
    case "promote": {
      const { instanceId: id, backupRetentionDays, backupWindow } = config.backup.db;
      const look = async () =>
        planPromotion(
          await withThrottlingRetry(() => ports.database.describe(id), retry),
          id,
          acted.at !== undefined,
        );
      const decision = await look();
      if (decision.action !== "act") return decision;
      try {
        await ports.database.promote(id, { backupRetentionDays, backupWindow });
      } catch (error) {
        // the replica changed between the look and the act (a backup started, someone promoted it)
        // the query error code is InvalidDBInstanceState; SDK v3 names its exception class ...Fault
        if (!/^InvalidDBInstanceState(Fault)?$/.test(errorCode(error))) throw error;
        const again = await look();
        if (again.action === "act") throw error;
        return again;
      }
      acted.at = now();
      return look();
    }
    case "capacity": {
      const name = config.backup.asg.name;
      const target = config.backup.asg.failoverCapacity;
      const targetGroupArn = config.backup.alb.targetGroupArn;
      const look = async () => {
        const [group, targets] = await Promise.all([
          withThrottlingRetry(() => ports.capacity.describe(name), retry),
          withThrottlingRetry(() => ports.targets.describe(targetGroupArn), retry),
        ]);
        return { group, decision: planCapacity(group, name, target, targets) };
      };
      const { group, decision } = await look();
      if (decision.action !== "act" || !group) return decision;
      await ports.capacity.scale(name, scaledCapacity(group, target));
      acted.at = now();
      return (await look()).decision;
    }
    case "latch": {
      const { bucket, key, checksFingerprint } = config.dns.latch;
      const where = `s3://${bucket}/${key}`;
      const decision = planLatch(await ports.latch.read(), where);
      if (decision.action !== "act") return decision;
      await ports.latch.write({
        deployment: config.deployment,
        incidentId: incident.id,
        latchedAt: now(),
        by: incident.by,
        checksFingerprint,
      });
      acted.at = now();
      // S3 is strongly consistent read-after-write: the read-back sees the object at once
      return planLatch(await withThrottlingRetry(() => ports.latch.read(), retry), where);
    }
  }
}

async function notify(
  ports: FailoverPorts,
  record: LockRecord,
  config: DeploymentConfig,
  log: LoggerLike,
  metrics: MetricsLike,
): Promise<void> {
  const { subject, message } = formatNotification(record, config);
  try {
    await withThrottlingRetry(() => ports.notifier.publish(subject, message), {
      ...DEFAULT_RETRY,
      sleep: ports.clock.sleep,
    });
  } catch (error) {
    // the failover itself is recorded; a lost notification must page through its own metric
    metrics.addMetric("NotificationFailed", "Count", 1);
    log.error("could not notify the ops topic", {
      error:
        error instanceof AwsCallError ? error.message : `${errorCode(error)}: ${(error as Error).message}`,
    });
  }
}
