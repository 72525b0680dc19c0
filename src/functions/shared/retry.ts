import { errorCode } from "./errors.js";

/** AWS error codes that mean "slow down", across the services the functions call. */
const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "PriorRequestNotComplete",
]);

/** Throttling by AWS error code, or by the SDK's own classification. */
export function isThrottling(error: unknown): boolean {
  const e = error as { $retryable?: { throttling?: boolean } } | undefined;
  return THROTTLING.has(errorCode(error)) || e?.$retryable?.throttling === true;
}

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

/** 5 attempts within about 3 s: well inside the function's timeout. */
export const DEFAULT_RETRY: Omit<RetryOptions, "sleep"> = { attempts: 5, baseMs: 100, maxMs: 2_000 };

/** Backoff before retry `n` (0-based): full jitter over an exponentially growing cap. */
export function backoffMs(
  n: number,
  options: Pick<RetryOptions, "baseMs" | "maxMs">,
  random = Math.random,
): number {
  return Math.floor(random() * Math.min(options.maxMs, options.baseMs * 2 ** n));
}

/**
 * Runs `call`, retrying throttling errors with jittered exponential backoff. During a regional
 * outage every customer fails over at once and control planes throttle; other errors surface at
 * once so the step fails loudly. (SDK clients retry too, but mocked clients bypass that layer.)
 */
export async function withThrottlingRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || n + 1 >= options.attempts) throw error;
      await options.sleep(backoffMs(n, options, options.random));
    }
  }
}
