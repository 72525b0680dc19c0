import { CONTROL_HEADER, CONTROL_PREFIX, type Counts, FaultProxyError, type Faults } from "./fault-proxy.js";

/**
 * The client of the fault proxy's control API, for the local drill, tests and scripts/emulator:
 * lose a region (`setFaults(endpoint, { "eu-west-1": "refuse" })`), read what got through.
 * `endpoint` is the emulator endpoint the programs use (the proxy's).
 */

async function call<T>(endpoint: string, method: string, path: string, body?: unknown): Promise<T> {
  const url = `${endpoint}${CONTROL_PREFIX}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (err) {
    throw new FaultProxyError(`the fault proxy at ${endpoint} did not answer ${method} ${url}`, {
      cause: err,
    });
  }
  const text = await res.text();
  if (!res.headers.has(CONTROL_HEADER)) {
    throw new FaultProxyError(
      `${endpoint} has no fault proxy in front (${method} ${url} answered ${res.status}); start the emulator with scripts/emulator start, which puts one there`,
    );
  }
  if (!res.ok) {
    let reason = text;
    try {
      reason = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not the proxy's JSON: keep the text
    }
    throw new FaultProxyError(`${method} ${url} answered ${res.status}: ${reason}`);
  }
  return JSON.parse(text) as T;
}

/** Replaces every region's mode; regions not named pass. Returns the modes now in force. */
export function setFaults(endpoint: string, faults: Faults): Promise<Faults> {
  return call(endpoint, "PUT", "faults", faults);
}

export function readFaults(endpoint: string): Promise<Faults> {
  return call(endpoint, "GET", "faults");
}

/** Requests passed, refused and hung per serving region since the last reset. */
export function readCounts(endpoint: string): Promise<Counts> {
  return call(endpoint, "GET", "counts");
}

export function resetCounts(endpoint: string): Promise<Counts> {
  return call(endpoint, "DELETE", "counts");
}
