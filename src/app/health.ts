import type { Database, DbRole } from "./database.js";
import { withDeadline } from "./db-errors.js";

/**
 * `/health` as Route 53 sees it on P: healthy only when the DB is reachable and writable
 * and the schema is migrated. Route 53 string-matches `"status":"ok"` in the body, so it appears
 * in no other answer.
 */
export type HealthReport =
  | { healthy: true; body: { status: "ok"; db: DbRole } }
  | { healthy: false; body: { status: "unavailable"; reason: string } };

export interface HealthSource {
  status: Database["status"];
  ensureSchema: Database["ensureSchema"];
}

/** Route 53 gives up on a health check after 2 s; answer well before. */
export const HEALTH_DEADLINE_MS = 1500;

/** Never throws, and resolves within `deadlineMs` whatever the DB does. */
export async function checkHealth(
  db: HealthSource,
  draining: boolean,
  deadlineMs = HEALTH_DEADLINE_MS,
): Promise<HealthReport> {
  const unhealthy = (reason: string): HealthReport => ({
    healthy: false,
    body: { status: "unavailable", reason },
  });
  if (draining) return unhealthy("shutting down");
  const probe = async (): Promise<HealthReport> => {
    const status = await db.status();
    if (status.role === "replica") return unhealthy("database is a read replica (in recovery): not promoted");
    if (status.readOnly) return unhealthy("database is read-only");
    // Just promoted: migrate first, so that a 200 means writes succeed.
    if (!(await db.ensureSchema())) return unhealthy("database schema is not migrated yet");
    return { healthy: true, body: { status: "ok", db: status.role } };
  };
  try {
    return await withDeadline(probe(), deadlineMs, "health check");
  } catch (err) {
    return unhealthy(`database unavailable: ${(err as Error).message}`);
  }
}
