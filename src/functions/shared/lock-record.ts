/**
 * The lock-table item of a deployment and its state machine, as pure functions. The table has
 * one item per deployment (hash key `deployment`); docs/functions.md shows the layout.
 *
 *   (no item) | unarmed --arm--> armed --open--> in-progress --finish--> completed --close--> unarmed
 *                                      \--open (approval)--> pending-approval --approve--> in-progress
 *                                        in-progress --finish with a failed step--> failed --resume--> in-progress
 *                                        in-progress --finish with pending steps--> in-progress (lease released) --resume--> ...
 *
 * Every arrow is one conditional write (LockPort.transition), so exactly one invocation wins it.
 */

export const LOCK_STATES = [
  "unarmed",
  "armed",
  "pending-approval",
  "in-progress",
  "failed",
  "completed",
] as const;
export type LockState = (typeof LOCK_STATES)[number];

/**
 * The actions of the failover: the promotion and B's capacity at once, then, once the promotion was
 * accepted (promotionAccepted), the latch (beside the fence of P).
 */
export const STEP_NAMES = ["promote", "capacity", "latch"] as const;
export type StepName = (typeof STEP_NAMES)[number];

/**
 * `done` (this incident acted and observed the effect) and `skipped` (the effect was already there)
 * are final: a resumed incident never repeats them. `pending`: acted or under way, effect not yet
 * observed, so the next run looks again.
 */
export type StepOutcome = "running" | "pending" | "done" | "skipped" | "retry-later" | "failed";

export interface StepRecord {
  startedAt: string;
  finishedAt?: string;
  outcome: StepOutcome;
  /** When this incident made the step's call (kept across runs): a promotion under way is ours. */
  actedAt?: string;
  /** What was done or found, or the error (name: message) of a failed step. */
  detail: string;
  /** Milliseconds from the alarm's state change to the end of this step. */
  msSinceAlarm?: number;
}

/**
 * The fence of P (P's group to zero where P's API answers): one entry for every attempt so far.
 * `startedAt` is the first attempt's, `finishedAt` and `detail` the last one's.
 */
export interface FenceRecord extends StepRecord {
  /** Attempts so far: one per run of the open incident, then one per re-evaluation after it completed. */
  attempts: number;
  /** When the last attempt started. */
  lastAttemptAt: string;
}

/**
 * The steps, and the fence of P: best effort, never a condition of the incident's completion, and
 * tried again on each run, after completion too (the re-evaluation), until its effect is observed.
 */
export type Timeline = Partial<Record<StepName, StepRecord>> & { fence?: FenceRecord };

export interface IncidentTrigger {
  /**
   * `alarm`: an SNS-delivered alarm (either trigger); `schedule`: the re-evaluation schedule, which
   * resumes an open incident or acts on an alarm still in ALARM; `operator`: `pilotlight approve`
   * (or a resume by hand).
   */
  source: "alarm" | "schedule" | "operator";
  alarmName?: string;
  /** When the alarm entered ALARM (ISO 8601); for an operator trigger without an alarm, the time of the command. */
  alarmTime: string;
  /** SNS MessageId of the delivery that opened or resumed the incident. */
  messageId?: string;
  /** Who approved (operator triggers). */
  by?: string;
}

/** One of the guard's signals as the incident record keeps it (src/functions/failover/guard.ts). */
export interface GuardSignalRecord {
  signal: string;
  reading: string;
  source: string;
  detail: string;
}

export interface LockRecord {
  deployment: string;
  state: LockState;
  /** Claims of the current incident (1 on open, +1 per resume); 0 when no incident is open. */
  attempts: number;
  updatedAt: string;
  /** The armed marker: when P was last seen healthy as Route 53 sees it, and by whom (readiness). */
  armedAt?: string;
  armedBy?: string;
  incidentId?: string;
  trigger?: IncidentTrigger;
  openedAt?: string;
  /** An in-progress claim older than this may be taken over (the holder timed out or crashed). */
  leaseUntil?: string;
  /** True when the guard proceeded on a live drill record (a drill). */
  drill?: boolean;
  /** The guard's verdict, in words. */
  guard?: string;
  /** Every signal the guard weighed, with its source and detail: the evidence of the decision. */
  guardSignals?: GuardSignalRecord[];
  /** Last known ReplicaLag (seconds) before promotion: the RPO estimate. Absent when RDS published none. */
  rpoEstimateSeconds?: number;
  rpoObservedAt?: string;
  timeline?: Timeline;
  completedAt?: string;
  /** The failed steps of the last attempt, with their errors. */
  error?: string;
  closedAt?: string;
  closedBy?: string;
}

/** An in-progress claim lasts this long; longer than the function's timeout (60 s) so a live holder keeps it. */
export const LEASE_MS = 120_000;

export type EntryDecision =
  | { kind: "open" }
  | { kind: "resume" }
  | { kind: "ignore"; code: "not-armed"; reason: string }
  | { kind: "busy"; reason: string; leaseUntil: string }
  | { kind: "duplicate"; reason: string };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What an invocation does given the stored record: open a new incident, resume the open one, or
 * exit. Duplicate SNS deliveries and Lambda retries land here too, so this is what makes them
 * harmless. `busy` (a live lease held by another invocation) is not a success: that holder may
 * never finish (it timed out or crashed), so the caller fails and is retried after the lease ends.
 */
export function entryDecision(
  record: LockRecord | undefined,
  trigger: IncidentTrigger,
  now: number,
): EntryDecision {
  const state = record?.state ?? "unarmed";
  switch (state) {
    case "unarmed":
      return {
        kind: "ignore",
        code: "not-armed",
        reason:
          record?.closedAt !== undefined
            ? `not armed: incident ${record.incidentId} was closed at ${record.closedAt}; the readiness function re-arms once it sees P healthy`
            : "not armed: P has not been seen healthy yet (the readiness function arms the deployment when it does)",
      };
    case "armed":
      return { kind: "open" };
    case "pending-approval":
      return trigger.source === "operator"
        ? { kind: "resume" }
        : {
            kind: "duplicate",
            reason: `incident ${record?.incidentId} awaits approval (pilotlight approve)`,
          };
    case "failed":
      return { kind: "resume" };
    case "in-progress": {
      if (!leaseLive(record, now)) return { kind: "resume" };
      return {
        kind: "busy",
        reason: `incident ${record?.incidentId} is in progress under another invocation's lease until ${record?.leaseUntil}`,
        leaseUntil: record?.leaseUntil as string,
      };
    }
    case "completed":
      return {
        kind: "duplicate",
        reason: `incident ${record?.incidentId} completed at ${record?.completedAt}; a new failover needs failback to close it first`,
      };
  }
}

/** True while an in-progress claim's lease runs: its holder may still be working. */
export function leaseLive(record: LockRecord | undefined, now: number): boolean {
  if (record?.state !== "in-progress" || !record.leaseUntil) return false;
  return Date.parse(record.leaseUntil) >= now;
}

/** Incident ids name the deployment and the alarm time, so logs, records and notifications line up. */
export function incidentIdFor(deployment: string, trigger: IncidentTrigger): string {
  const stamp = trigger.alarmTime.replace(/[-:]/g, "").replace(/\.\d+/, "");
  return `${deployment}-${stamp}`;
}

/** The armed record, or undefined when the state does not allow arming (an incident is open). */
export function armRecord(
  record: LockRecord | undefined,
  deployment: string,
  by: string,
  now: number,
): LockRecord | undefined {
  if (record && record.state !== "unarmed" && record.state !== "armed") return undefined;
  return {
    ...(record ?? { deployment, attempts: 0 }),
    state: "armed",
    armedAt: iso(now),
    armedBy: by,
    updatedAt: iso(now),
  };
}

/** A fresh incident: every field of the previous (closed) incident is dropped, the armed marker kept. */
export function openRecord(
  record: LockRecord,
  trigger: IncidentTrigger,
  guard: { reason: string; drill: boolean; signals?: GuardSignalRecord[] },
  mode: "automatic" | "approval",
  now: number,
): LockRecord {
  // only an operator skips the approval; the alarms and the schedule wait for it
  const state: LockState =
    mode === "approval" && trigger.source !== "operator" ? "pending-approval" : "in-progress";
  return {
    deployment: record.deployment,
    state,
    attempts: state === "in-progress" ? 1 : 0,
    updatedAt: iso(now),
    armedAt: record.armedAt,
    armedBy: record.armedBy,
    incidentId: incidentIdFor(record.deployment, trigger),
    trigger,
    openedAt: iso(now),
    ...(state === "in-progress" ? { leaseUntil: iso(now + LEASE_MS) } : {}),
    drill: guard.drill,
    guard: guard.reason,
    ...(guard.signals?.length ? { guardSignals: guard.signals } : {}),
    timeline: {},
  };
}

/** Claims the open incident again (approval, async retry, or takeover after an expired lease). */
export function resumeRecord(record: LockRecord, trigger: IncidentTrigger, now: number): LockRecord {
  return {
    ...record,
    state: "in-progress",
    attempts: record.attempts + 1,
    updatedAt: iso(now),
    leaseUntil: iso(now + LEASE_MS),
    ...(trigger.source === "operator" && trigger.by
      ? { trigger: { ...(record.trigger ?? trigger), by: trigger.by } }
      : {}),
  };
}

/**
 * Completed when every step is final. Still in progress, with the lease released so the next run
 * resumes at once, when the only unfinished steps are pending (their effect is under way). Failed
 * (and resumable) otherwise.
 */
export function finishRecord(record: LockRecord, timeline: Timeline, now: number): LockRecord {
  const unfinished = STEP_NAMES.filter((s) => !isFinal(timeline[s]));
  const { leaseUntil: _lease, error: _error, ...rest } = record;
  if (unfinished.length === 0)
    return { ...rest, state: "completed", timeline, completedAt: iso(now), updatedAt: iso(now) };
  if (unfinished.every((s) => timeline[s]?.outcome === "pending"))
    return { ...rest, state: "in-progress", timeline, updatedAt: iso(now) };
  const error = unfinished
    .map(
      (s) =>
        `${s}: ${timeline[s]?.detail ?? (s === "latch" ? "not run: it waits for the promotion to be accepted" : "not run")}`,
    )
    .join("; ");
  return { ...rest, state: "failed", timeline, error, updatedAt: iso(now) };
}

/**
 * Closes a completed (or abandoned) incident after failback, so a later incident can open. The
 * deployment becomes unarmed: it re-arms only when P is seen healthy again.
 */
export function closeRecord(record: LockRecord, by: string, now: number): LockRecord {
  const { leaseUntil: _lease, ...rest } = record;
  return { ...rest, state: "unarmed", attempts: 0, closedAt: iso(now), closedBy: by, updatedAt: iso(now) };
}

/**
 * True once PromoteReadReplica was accepted or the replica is standalone: the promotion is done,
 * skipped (already standalone), pending (ours under way, or standalone and not yet available), or
 * this incident's call was answered without error (`actedAt`).
 * Only then do the latch and the fence follow: a refused promotion (retry-later, failed) latches
 * nothing and fences nothing, so users stay where Route 53 sends them and P stays as it is.
 */
export function promotionAccepted(entry: StepRecord | undefined): boolean {
  // actedAt: PromoteReadReplica answered without error for this incident, whatever the replica reads since
  return isFinal(entry) || entry?.outcome === "pending" || entry?.actedAt !== undefined;
}

/** True once the fence's effect was observed: P's group lists no instance, or P has no such group. */
export function fenceObserved(timeline: Timeline | undefined): boolean {
  return isFinal(timeline?.fence);
}

/** A step whose effect was observed (done or skipped) is never run again for the same incident. */
export function isFinal(entry: StepRecord | undefined): boolean {
  return entry?.outcome === "done" || entry?.outcome === "skipped";
}

/** The steps a (resumed) incident still has to run. */
export function stepsToRun(timeline: Timeline | undefined): StepName[] {
  return STEP_NAMES.filter((s) => !isFinal(timeline?.[s]));
}
