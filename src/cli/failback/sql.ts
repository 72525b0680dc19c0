import pg from "pg";

/**
 * The switchover's data-safety checks, over SQL, the same against RDS and the local PostgreSQL:
 * fence the writer, compare WAL positions (the writer's current LSN against the new replica's
 * replayed LSN), lift the fence on the new primary. The ReplicaLag metric cannot do this: on RDS
 * for PostgreSQL it is the time since the last replayed transaction, in whole seconds, one-minute
 * datapoints, and it grows while writes are paused.
 */

/** A database session's address; `servername` names the RDS endpoint when `host` is a tunnel. */
export interface SqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: false | { ca: string | string[]; servername?: string };
}

async function withSession<T>(ep: SqlEndpoint, use: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    host: ep.host,
    port: ep.port,
    user: ep.user,
    password: ep.password,
    database: ep.database,
    ssl: ep.ssl === false ? false : { ...ep.ssl, rejectUnauthorized: true },
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
    application_name: "pilotlight-failback",
  });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ALTER DATABASE takes a name, not current_database(): dynamic SQL in a DO block.
const setReadOnly = (on: boolean) =>
  `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I ${on ? "SET default_transaction_read_only = on" : "RESET default_transaction_read_only"}', current_database()); END $$`;

const TERMINATE_OTHERS =
  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()";

export interface FenceCheck {
  /** A new session's default_transaction_read_only. */
  readOnly: boolean;
  /** Other sessions of this database holding a transaction id (an open write transaction). */
  writersLeft: number;
  /** The writer's WAL position once fenced: every acknowledged write is at or before it. */
  lsn: string;
}

/**
 * Fences the writer: new sessions of the app's database default to read-only, and every other
 * client session is ended so none keeps writing (the app's pool reconnects read-only and answers
 * writes 503). RDS's master user may do both (rds_superuser: ALTER DATABASE as owner,
 * pg_terminate_backend on non-rdsadmin sessions); ALTER SYSTEM, which RDS refuses, is not used.
 * Then checks, in a new session, that the fence took, and returns the fenced WAL position.
 */
export async function fenceWrites(ep: SqlEndpoint): Promise<FenceCheck> {
  await withSession(ep, async (c) => {
    // idempotent: where an earlier run fenced already, this session itself starts read-only
    await c.query("SET default_transaction_read_only = off");
    await c.query(setReadOnly(true));
    await c.query(TERMINATE_OTHERS);
  });
  return withSession(ep, async (c) => {
    const ro = await c.query<{ v: string }>("SELECT current_setting('default_transaction_read_only') AS v");
    const left = await c.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL",
    );
    const lsn = await c.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    return {
      readOnly: ro.rows[0]?.v === "on",
      writersLeft: Number(left.rows[0]?.n ?? "0"),
      lsn: lsn.rows[0]?.lsn ?? "",
    };
  });
}

/**
 * Lifts the fence. On the writer it undoes `fenceWrites` where the switchover stopped before the
 * promotion; on the promoted database it clears the setting the fence replicated to it (ALTER
 * DATABASE settings are catalog rows, carried by the WAL).
 */
export async function liftFence(ep: SqlEndpoint): Promise<boolean> {
  await withSession(ep, async (c) => {
    // this session itself starts read-only where the fence holds: ALTER DATABASE needs read-write
    await c.query("SET default_transaction_read_only = off");
    await c.query(setReadOnly(false));
    // sessions keep the default they started with: end them, so the app reconnects writable
    await c.query(TERMINATE_OTHERS);
  });
  return withSession(ep, async (c) => {
    const ro = await c.query<{ v: string }>("SELECT current_setting('default_transaction_read_only') AS v");
    return ro.rows[0]?.v === "off";
  });
}

/** Bytes the standby's replay is behind `lsn` (0 once it replayed it), and whether it is a standby. */
export async function replayBehind(
  ep: SqlEndpoint,
  lsn: string,
): Promise<{ standby: boolean; bytes: number }> {
  return withSession(ep, async (c) => {
    const r = await c.query<{ standby: boolean; bytes: string | null }>(
      "SELECT pg_is_in_recovery() AS standby, greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::text AS bytes",
      [lsn],
    );
    const row = r.rows[0];
    // a primary has no replay position (NULL): it is not catching up to anything
    return {
      standby: row?.standby ?? false,
      bytes: row?.bytes === null ? Number.NaN : Number(row?.bytes ?? "NaN"),
    };
  });
}

/** True when the server accepts a write in a new session: promoted and unfenced. */
export async function acceptsWrites(ep: SqlEndpoint): Promise<boolean> {
  return withSession(ep, async (c) => {
    const r = await c.query<{ standby: boolean; ro: string }>(
      "SELECT pg_is_in_recovery() AS standby, current_setting('default_transaction_read_only') AS ro",
    );
    return r.rows[0]?.standby === false && r.rows[0]?.ro === "off";
  });
}
