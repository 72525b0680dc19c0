import { CliError, ExitCode } from "../exit-codes.js";

/**
 * AWS error codes that throttle rather than refuse: the SDK marks them `$fault: "client"` like a
 * denial, but they clear by themselves (AWS SDK for JavaScript v3 retry strategy, "throttling
 * errors").
 */
const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "SlowDown",
]);

/**
 * True for an error that waiting will not clear: an AWS service answered with a client fault
 * (AccessDenied, a validation error, a missing resource) that is not throttling. Server faults,
 * throttling and network errors (no AWS answer at all) are worth another look.
 */
export function isPermanent(err: unknown): boolean {
  type SdkError = { $fault?: string; name?: string; cause?: unknown };
  // the functions' ports wrap the SDK error (AwsCallError): judge the SDK's own
  const outer = err as SdkError | undefined;
  const e = (outer?.$fault === undefined && outer?.cause ? outer.cause : err) as SdkError;
  if (e?.$fault !== "client") return false;
  return !THROTTLING.has(e.name ?? "");
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  log: (message: string) => void;
  /** How often to say it is still waiting (default 30 s). */
  tellEveryMs?: number;
}

/**
 * Waits until `check` returns a truthy value, saying what it waits for, for how long at most, and
 * every `tellEveryMs` how long it has waited. An error that will not clear (`isPermanent`, or a
 * CliError the check throws for a state no wait repairs) ends the wait at once; any other is
 * remembered and named if the wait gives up.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  const started = Date.now();
  const tellEvery = options.tellEveryMs ?? 30_000;
  let told = started;
  let lastError: unknown;
  options.log(`waiting for ${what} (up to ${Math.round(options.timeoutMs / 1000)} s)`);
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      lastError = undefined;
    } catch (err) {
      // a check that judged the state itself (a failed snapshot, a group that is not there) has decided
      if (err instanceof CliError) throw err;
      if (isPermanent(err)) {
        throw new CliError(
          `while waiting for ${what}: ${(err as Error).name}: ${(err as Error).message}. This will not clear by waiting: fix it, then re-run failback to continue from here.`,
          ExitCode.failed,
          { cause: err },
        );
      }
      lastError = err;
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) {
      const why = lastError
        ? ` (last error: ${(lastError as Error).name}: ${(lastError as Error).message})`
        : "";
      throw new CliError(
        `gave up waiting for ${what} after ${Math.round(waited / 1000)} s${why}; re-run failback to continue from here (--timeout sets the limit)`,
        ExitCode.failed,
        { cause: lastError },
      );
    }
    if (Date.now() - told >= tellEvery) {
      options.log(
        `still waiting for ${what} (${Math.round(waited / 1000)} s of ${Math.round(options.timeoutMs / 1000)} s)`,
      );
      told = Date.now();
    }
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}
