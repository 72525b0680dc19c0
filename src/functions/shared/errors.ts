import { failoverGrants } from "../../core/permissions/index.js";
import type { StepName } from "./lock-record.js";

/**
 * A failover step failed. Rethrown from the handler so Lambda's async retry resumes the incident;
 * the message names every failed step and what to do about it.
 */
export class FailoverStepError extends Error {
  override readonly name = "FailoverStepError";
  constructor(
    message: string,
    readonly steps: StepName[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Another invocation holds the incident's live lease. Thrown, not returned: that holder may have
 * timed out or crashed, so this invocation fails and Lambda's async retry (or the next run) comes
 * back after the lease, resumes what the holder left, and a spent retry reaches the failure
 * destination instead of vanishing as a success.
 */
export class IncidentBusyError extends Error {
  override readonly name = "IncidentBusyError";
  constructor(
    message: string,
    readonly incidentId: string | undefined,
    readonly leaseUntil: string | undefined,
  ) {
    super(message);
  }
}

/** The lock table could not be read or written: without it, exactly-once cannot be guaranteed. */
export class LockError extends Error {
  override readonly name = "LockError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An AWS call of a port failed; names the call and keeps the SDK error as the cause. */
export class AwsCallError extends Error {
  override readonly name = "AwsCallError";
  constructor(
    readonly operation: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${code}: ${message}`, options);
  }
}

/** The SDK error's name (its AWS error code), e.g. AccessDenied, Throttling, InvalidDBInstanceState. */
export function errorCode(error: unknown): string {
  if (error instanceof AwsCallError) return error.code;
  const e = error as { name?: unknown; Code?: unknown } | undefined;
  if (typeof e?.name === "string" && e.name !== "Error") return e.name;
  if (typeof e?.Code === "string") return e.Code;
  return "Error";
}

/** What to do about a failed step, by AWS error code. */
export function fixFor(step: StepName, code: string): string {
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(code)) {
    const action = failoverGrants
      .filter((g) => g.step === step)
      .flatMap((g) => g.actions)
      .join(" and ");
    return `grant ${action} to the failover function's role (terraform/modules/failover), then run pilotlight approve to resume`;
  }
  return "the async retry resumes the unfinished steps; after the retries run pilotlight approve to resume by hand";
}
