/**
 * What a database error means for the client. `read-only`: the DB is a replica (SQLSTATE 25006),
 * the write can be retried once this region's DB is promoted. `unavailable`: the DB cannot be
 * reached or answered too late. Both become 503 with Retry-After, never a 500.
 */
export type DbErrorKind = "read-only" | "unavailable";

const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery without hot standby)
  "57014", // query_canceled (statement_timeout)
  "53300", // too_many_connections
  "42P01", // undefined_table: the schema is not migrated yet
  "28P01", // invalid_password: the secret and the DB disagree (rotation in progress)
  "28000", // invalid_authorization_specification: also "not permitted to log in", the failback's write fence
]);

const UNAVAILABLE_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

// node-postgres reports its own timeouts and broken connections only by message.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|not queryable|database deadline/i;

export function classifyDbError(err: unknown): DbErrorKind | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === "25006") return "read-only";
  if (typeof code === "string" && (code.startsWith("08") || UNAVAILABLE_SQLSTATES.has(code)))
    return "unavailable";
  if (typeof code === "string" && UNAVAILABLE_ERRNOS.has(code)) return "unavailable";
  if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return "unavailable";
  return undefined;
}

/** Thrown when a DB call exceeds its overall deadline (the driver's timeouts did not fire first). */
export class DbDeadlineError extends Error {
  override readonly name = "DbDeadlineError";
}

/** Rejects with DbDeadlineError when `work` takes longer than `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DbDeadlineError(`${what}: database deadline of ${ms} ms exceeded`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
