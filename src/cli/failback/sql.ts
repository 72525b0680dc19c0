import pg from "pg";
import { CliError, ExitCode } from "../exit-codes.js";

/**
 * The app's own database role and the switchover's data-safety checks, over SQL, the same against
 * RDS and the local PostgreSQL: the rights the app role holds (`ensureAppRole`), the write fence
 * that takes them away (`fenceWrites`, `liftFence`), and the WAL comparison (the writer's current
 * LSN against the new replica's replayed LSN). The ReplicaLag metric cannot do the last: on RDS
 * for PostgreSQL it is the time since the last replayed transaction, in whole seconds, one-minute
 * datapoints, and it grows while writes are paused.
 *
 * The fence is a role attribute, not a session default: `default_transaction_read_only` is a
 * user-settable parameter (any session turns it off, `SET TRANSACTION READ WRITE` overrides it),
 * while LOGIN can only be given back by a role with CREATEROLE, which the app role lacks.
 */

/** A role's login. */
export interface SqlLogin {
  user: string;
  password: string;
}

/**
 * A database's address and who acts there: `user`/`password` are the master user's (it fences and
 * lifts), `app` is the app's own role (what the fence stops, and how the fence is observed).
 * `servername` names the RDS endpoint when `host` is a tunnel.
 */
export interface SqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: false | { ca: string | string[]; servername?: string };
  app: SqlLogin;
}

/** The fence did not take, or an error stopped it: it was lifted (or the lift failed too: `lifted`). */
export class FenceError extends CliError {
  constructor(
    message: string,
    readonly lifted: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, ExitCode.failed, options);
  }
}

/** The app's role cannot be made safe to fence (or is fenced right now). */
export class AppRoleError extends CliError {}

function client(ep: SqlEndpoint, login: SqlLogin): pg.Client {
  const c = new pg.Client({
    host: ep.host,
    port: ep.port,
    user: login.user,
    password: login.password,
    database: ep.database,
    ssl: ep.ssl === false ? false : { ...ep.ssl, rejectUnauthorized: true },
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
    application_name: "pilotlight-failback",
  });
  c.on("error", () => undefined); // a session the server ends errors asynchronously; calls report it
  return c;
}

async function withSession<T>(
  ep: SqlEndpoint,
  use: (c: pg.Client) => Promise<T>,
  login: SqlLogin = ep,
): Promise<T> {
  const c = client(ep, login);
  await c.connect();
  try {
    return await use(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * Creates the app's role, or brings an existing one to the rights the app needs and to the
 * secret's password, as the master user (idempotent; the app-role command and the local stack run
 * it on the writer; replicas follow through the WAL). The app needs: to log in, CONNECT on its
 * database, USAGE and CREATE on schema public (it migrates its own schema at start, and owns the
 * tables it creates), and read/write on the tables an earlier version created as the master user.
 * Nothing else: no CREATEROLE (it could give itself LOGIN back), no CREATEDB, no rds_superuser, no
 * pg_signal_backend. Refuses while a fence holds the role: that is the failback's to lift.
 */
export async function ensureAppRole(ep: SqlEndpoint): Promise<{ created: boolean }> {
  if (ep.app.user === ep.user) {
    throw new AppRoleError(
      `the app's role must not be the master user ${ep.user}: the master can lift any fence`,
    );
  }
  return withSession(ep, async (c) => {
    const role = c.escapeIdentifier(ep.app.user);
    const db = c.escapeIdentifier(ep.database);
    const standby = await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
    if (standby.rows[0]?.r) {
      throw new AppRoleError(
        `${ep.host}:${ep.port} is a read replica: create the app's role on the writer (replicas get it through the WAL)`,
      );
    }
    const found = await c.query<{
      rolcanlogin: boolean;
      rolsuper: boolean;
      rolcreaterole: boolean;
      rolreplication: boolean;
      rolbypassrls: boolean;
    }>(
      "SELECT rolcanlogin, rolsuper, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1",
      [ep.app.user],
    );
    const existing = found.rows[0];
    if (existing && !existing.rolcanlogin) {
      throw new AppRoleError(
        `the app's role ${ep.app.user} may not log in: a failback's write fence holds it. Finish or re-run \`pilotlight failback\`, which lifts it`,
      );
    }
    // only a superuser may take these away again (ALTER ROLE ... NOSUPERUSER): refuse, never fence a role that can lift it
    const excess = existing
      ? (["rolsuper", "rolcreaterole", "rolreplication", "rolbypassrls"] as const).filter((a) => existing[a])
      : [];
    if (excess.length > 0) {
      throw new AppRoleError(
        `the app's role ${ep.app.user} exists with ${excess.join(", ")}: it could lift the write fence. Use another name, or drop those attributes as a superuser`,
      );
    }
    const password = c.escapeLiteral(ep.app.password);
    // NOINHERIT: the role's rights are exactly the grants below, never a membership's
    await c.query(
      existing
        ? `ALTER ROLE ${role} WITH LOGIN NOCREATEDB NOINHERIT PASSWORD ${password}`
        : `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD ${password}`,
    );
    await c.query(`GRANT CONNECT ON DATABASE ${db} TO ${role}`);
    await c.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
    // the tables an earlier version migrated as the master user (the app owns what it creates)
    const legacy = await c.query<{ grant: string }>(
      `SELECT format('GRANT %s ON %I.%I TO %s', CASE c.relkind WHEN 'S' THEN 'USAGE, SELECT' ELSE 'SELECT, INSERT, UPDATE, DELETE' END, n.nspname, c.relname, $1::text) AS grant
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') AND pg_get_userbyid(c.relowner) = current_user`,
      [role],
    );
    for (const { grant } of legacy.rows) await c.query(grant);
    return { created: !existing };
  });
}

export interface FenceCheck {
  /** Sessions of the app role the fence ended. */
  ended: number;
  /**
   * Other roles' sessions of this database holding a transaction id (an open write), which the
   * fence leaves alone: the master user's, a superuser's (RDS's rdsadmin), an operator's.
   */
  otherWriters: number;
  /** The writer's WAL position once fenced: every write the app had acknowledged is at or before it. */
  lsn: string;
}

// Every session of the app role, in any database: NOLOGIN is cluster-wide. pg_terminate_backend
// with a timeout (PostgreSQL 14+) returns once the backend has exited, or false after the timeout.
const END_APP_SESSIONS =
  "SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity WHERE usename = $1";
const APP_SESSIONS_LEFT = "SELECT pid FROM pg_stat_activity WHERE usename = $1";
const OTHER_WRITERS =
  "SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND usename IS DISTINCT FROM $1 AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL";

/**
 * A session as the app role, or undefined when its login is refused (28000, "role ... is not
 * permitted to log in": NOLOGIN). Any other failure is no answer, and is thrown.
 */
async function asApp<T>(
  ep: SqlEndpoint,
  use: (c: pg.Client) => Promise<T>,
): Promise<{ value: T } | undefined> {
  try {
    return { value: await withSession(ep, use, ep.app) };
  } catch (err) {
    if ((err as { code?: string }).code === "28000") return undefined;
    throw err;
  }
}

const appLogsIn = async (ep: SqlEndpoint) => (await asApp(ep, async () => true)) !== undefined;

/**
 * Fences the writer against the app: its role loses LOGIN (`ALTER ROLE ... NOLOGIN`, which the app
 * role cannot undo), every session of it is ended, and then the fence is observed: a login as the
 * app is refused and pg_stat_activity shows no session of it. Superuser and rdsadmin sessions are
 * left alone (the master user may not end them, and they are not the app). Returns the fenced WAL
 * position. On any error, or when the fence is not observed, it is lifted before this throws a
 * FenceError, so a failed fence never leaves the app locked out. Idempotent: a re-run fences again.
 */
export async function fenceWrites(ep: SqlEndpoint): Promise<FenceCheck> {
  try {
    const check = await withSession(ep, async (c) => {
      await c.query(`ALTER ROLE ${c.escapeIdentifier(ep.app.user)} NOLOGIN`);
      const ended = await c.query<{ ended: boolean }>(END_APP_SESSIONS, [ep.app.user]);
      const left = await c.query<{ pid: number }>(APP_SESSIONS_LEFT, [ep.app.user]);
      if (left.rows.length > 0) {
        throw new FenceError(
          `sessions of the app's role ${ep.app.user} are still open after ending them (pids ${left.rows.map((r) => r.pid).join(", ")})`,
          false,
        );
      }
      const others = await c.query<{ n: string }>(OTHER_WRITERS, [ep.app.user]);
      const lsn = await c.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
      return {
        ended: ended.rows.filter((r) => r.ended).length,
        otherWriters: Number(others.rows[0]?.n ?? "0"),
        lsn: lsn.rows[0]?.lsn ?? "",
      };
    });
    if (await appLogsIn(ep)) {
      throw new FenceError(`the app's role ${ep.app.user} still logs in after ALTER ROLE NOLOGIN`, false);
    }
    return check;
  } catch (err) {
    const lifted = await liftFence(ep).catch(() => false);
    const what = err instanceof Error ? err.message : String(err);
    throw new FenceError(
      lifted
        ? `the write fence on ${ep.host}:${ep.port} did not take (${what}); it was lifted and nothing else changed. Find the app's sessions (pg_stat_activity, usename ${ep.app.user}), then re-run failback`
        : `the write fence on ${ep.host}:${ep.port} did not take (${what}), and lifting it failed too: the app's role ${ep.app.user} may be locked out (ALTER ROLE ${ep.app.user} LOGIN as the master user, or re-run failback)`,
      lifted,
      { cause: err },
    );
  }
}

/**
 * Lifts the fence: the app role may log in again, observed by a login as the app. On the writer it
 * undoes `fenceWrites` where the switchover stopped before the promotion; on the promoted database
 * it clears the NOLOGIN the fence replicated to it (role attributes live in a shared catalog,
 * carried by the WAL). Idempotent.
 */
export async function liftFence(ep: SqlEndpoint): Promise<boolean> {
  await withSession(ep, (c) => c.query(`ALTER ROLE ${c.escapeIdentifier(ep.app.user)} LOGIN`));
  return appLogsIn(ep);
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

/**
 * True when the app can write there: a session as the app role opens (unfenced), the server is
 * not in recovery (promoted), and the session is read-write. False while fenced or a standby.
 */
export async function acceptsWrites(ep: SqlEndpoint): Promise<boolean> {
  const writable = await asApp(ep, async (c) => {
    const r = await c.query<{ standby: boolean; ro: string }>(
      "SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') AS ro",
    );
    return r.rows[0]?.standby === false && r.rows[0]?.ro === "off";
  });
  return writable?.value ?? false;
}
