import { EmulatorError } from "./emulator.js";

/**
 * The client of the emulator patch's control endpoint (moto_server.py): RDS states and Route 53
 * checker reports AWS shows and moto does not produce by itself. `endpoint` is the one the programs use (the fault proxy passes
 * these paths through).
 */

async function put<T>(endpoint: string, path: string, body: unknown): Promise<T> {
  const url = `${endpoint}/__pilotlight/${path}`;
  let res: Response;
  try {
    res = await fetch(url, { method: "PUT", body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    throw new EmulatorError(`the emulator at ${endpoint} did not answer PUT ${url}`, { cause: err });
  }
  const text = await res.text();
  if (!res.ok) {
    let reason = text;
    try {
      reason = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not the patch's JSON (an emulator started without src/local/moto_server.py)
    }
    throw new EmulatorError(`PUT ${url} answered ${res.status}: ${reason}`);
  }
  return JSON.parse(text) as T;
}

/**
 * How long a promoted replica stays "modifying" (still naming its source) before it is a
 * standalone "available" instance; 0 (the default) promotes at once. With an instance identifier,
 * that replica only: the emulator's other instances keep their delay.
 */
export function setPromotionSeconds(
  endpoint: string,
  seconds: number,
  dbInstanceIdentifier?: string,
): Promise<{ seconds: number; dbInstanceIdentifier?: string }> {
  return put(endpoint, "rds/promotion", {
    seconds,
    ...(dbInstanceIdentifier ? { dbInstanceIdentifier } : {}),
  });
}

/**
 * Holds a DB instance in "backing-up" (PromoteReadReplica then answers InvalidDBInstanceState,
 * as the RDS API reference documents), or releases it to "available".
 */
export function setDbInstanceStatus(
  endpoint: string,
  region: string,
  dbInstanceIdentifier: string,
  status: "backing-up" | "available",
): Promise<{ dbInstanceIdentifier: string; status: string }> {
  return put(endpoint, "rds/instance-status", { region, dbInstanceIdentifier, status });
}

/**
 * What Route 53's checkers report of P's endpoint while P is down (API_GetHealthCheckStatus
 * StatusReport): P's ALB without a healthy target answers 503 (ELB troubleshooting, "HTTP 503:
 * Service unavailable"), a status outside 2xx/3xx, so the check fails.
 */
export const DOWN_ENDPOINT_REPORT = "Failure: HTTP Status Code 503, Service Unavailable.";

/**
 * What Route 53's checkers report for a health check (GetHealthCheckStatus, every checker), as the
 * harness plays them: a "Failure: ..." report while the endpoint they check is down; null
 * restores moto's canned success.
 */
export function setCheckerReport(
  endpoint: string,
  healthCheckId: string,
  status: string | null,
): Promise<{ healthCheckId: string; status: string | null }> {
  return put(endpoint, "route53/checker-report", { healthCheckId, status });
}
