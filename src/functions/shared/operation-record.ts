/**
 * The progress record of an operator's multi-step operation (today: failback), as pure functions.
 * One item of the lock table per operation, beside the deployment's lock item (key
 * `<deployment>#<operation>`, see `operationRecordKey`). Every write is conditional on the version
 * read (OperationRecordPort.write), so two runs of the same operation cannot both advance it.
 *
 *   (no item | an earlier incident's) --begin--> open --step started/acted/finished...--> open --close--> closed
 *
 * What an operation creates, renames or deletes is recorded as an act BEFORE the call: a re-run
 * finds the names an interrupted run used (its stamp, the instance it renamed) instead of drawing new
 * ones, and never repeats an act whose effect is already there.
 */

/** A step's progress: started by a run; `done`/`skipped` are final (the effect was observed). */
export interface OperationStepEntry {
  startedAt: string;
  finishedAt?: string;
  outcome?: "done" | "skipped";
  detail?: string;
}

/** An identifier an operation acts on, recorded before the call: `id` (and `to`, for a rename). */
export interface OperationAct {
  id: string;
  to?: string;
  at: string;
}

export interface OperationRecord {
  /** The item's key: `<deployment>#<operation>` (operationRecordKey). */
  key: string;
  deployment: string;
  operation: string;
  /** The incident the operation acts on: a record of an earlier incident is replaced, never resumed. */
  incidentId: string;
  /** When that incident completed (the lock record's completedAt): nothing created after it is ours to rename. */
  incidentCompletedAt: string;
  /** Names what the operation creates (snapshots, kept instances); drawn once, kept across runs. */
  stamp: string;
  by: string;
  startedAt: string;
  updatedAt: string;
  /** Bumped by every write; the conditional write expects the version it read. */
  version: number;
  steps: Record<string, OperationStepEntry>;
  acts: Record<string, OperationAct>;
  closedAt?: string;
}

/** The lock-table key of a deployment's operation record (deployment names hold no `#`). */
export function operationRecordKey(deployment: string, operation: string): string {
  return `${deployment}#${operation}`;
}

/** The incident an operation acts on, as the lock record names it. */
export interface IncidentRef {
  incidentId: string;
  completedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The record a run works on: the stored one when it belongs to the same incident (a resume, its
 * stamp and acts kept), otherwise a new one with a stamp drawn now.
 */
export function beginOperation(
  stored: OperationRecord | undefined,
  deployment: string,
  operation: string,
  incident: IncidentRef,
  by: string,
  stamp: string,
  now: number,
): { record: OperationRecord; resumed: boolean } {
  if (stored && stored.incidentId === incident.incidentId && !stored.closedAt)
    return { record: stored, resumed: true };
  return {
    resumed: false,
    record: {
      key: operationRecordKey(deployment, operation),
      deployment,
      operation,
      incidentId: incident.incidentId,
      incidentCompletedAt: incident.completedAt,
      stamp,
      by,
      startedAt: iso(now),
      updatedAt: iso(now),
      // a replaced record's version carries on: the conditional write expects the stored one
      version: stored?.version ?? 0,
      steps: {},
      acts: {},
    },
  };
}

export function isStepFinal(record: OperationRecord, step: string): boolean {
  const outcome = record.steps[step]?.outcome;
  return outcome === "done" || outcome === "skipped";
}

/** True once any of `steps` has started: the record is past everything before them. */
export function reached(record: OperationRecord | undefined, steps: readonly string[]): boolean {
  return !!record && steps.some((s) => record.steps[s] !== undefined);
}

/**
 * The first step a run has to do. A record in which a later step began while an earlier one is
 * not final was not written by this program: refuse rather than guess.
 */
export function nextStep(record: OperationRecord, order: readonly string[]): string | undefined {
  const i = order.findIndex((s) => !isStepFinal(record, s));
  if (i < 0) return undefined;
  const later = order.slice(i + 1).find((s) => record.steps[s] !== undefined);
  if (later)
    throw new Error(
      `${record.key}: step ${later} began while ${order[i]} is not done; the record is inconsistent, fix it by hand`,
    );
  return order[i];
}

const bump = (record: OperationRecord, now: number, change: Partial<OperationRecord>): OperationRecord => ({
  ...record,
  ...change,
  version: record.version + 1,
  updatedAt: iso(now),
});

export function stepStarted(record: OperationRecord, step: string, now: number): OperationRecord {
  if (record.steps[step]) return record;
  return bump(record, now, { steps: { ...record.steps, [step]: { startedAt: iso(now) } } });
}

export function stepFinished(
  record: OperationRecord,
  step: string,
  outcome: "done" | "skipped",
  detail: string,
  now: number,
): OperationRecord {
  const entry = record.steps[step] ?? { startedAt: iso(now) };
  return bump(record, now, {
    steps: { ...record.steps, [step]: { ...entry, finishedAt: iso(now), outcome, detail } },
  });
}

/** Records an act before its call; recording the same act again changes nothing. */
export function acted(record: OperationRecord, name: string, act: { id: string; to?: string }, now: number) {
  const known = record.acts[name];
  if (known) {
    if (known.id !== act.id || known.to !== act.to)
      throw new Error(
        `${record.key}: act ${name} was recorded as ${known.id}${known.to ? ` -> ${known.to}` : ""}, not ${act.id}${act.to ? ` -> ${act.to}` : ""}`,
      );
    return record;
  }
  return bump(record, now, { acts: { ...record.acts, [name]: { ...act, at: iso(now) } } });
}

export function closeOperation(record: OperationRecord, now: number): OperationRecord {
  return bump(record, now, { closedAt: iso(now) });
}

/**
 * True when a standalone instance was created after the incident completed: it is not the old
 * primary an operation may rename or replace, but one promoted or created since (a failback's new P).
 */
export function createdAfterIncident(createdAt: Date | undefined, incidentCompletedAt: string): boolean {
  return createdAt !== undefined && createdAt.getTime() > Date.parse(incidentCompletedAt);
}

/** The record in the lock table (a DynamoDB adapter beside the lock's, aws-ports.ts). */
export interface OperationRecordPort {
  read(): Promise<OperationRecord | undefined>;
  /** Writes `record` if no item is stored or the stored one has version `record.version - 1`; false if not. */
  write(record: OperationRecord): Promise<boolean>;
}
