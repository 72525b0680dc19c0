import { execFile } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./emulator.js";

/**
 * A real PostgreSQL 15 primary and, optionally, a streaming replica on free loopback ports, in a
 * temporary directory: what RDS gives the app in P and B, for tests and the local demo.
 *
 * ```ts
 * const cluster = await startPostgresCluster();
 * // cluster.primary.port, cluster.replica.port, cluster.user, cluster.password, cluster.database,
 * // cluster.master (shaped like RDS's master user)
 * await cluster.waitForReplay(); // the replica has replayed every commit of the primary
 * await cluster.promote();       // pg_promote() on the replica
 * cluster.hang(cluster.primary); // SIGSTOP: the DB hangs; resume() sends SIGCONT
 * await cluster.close();         // stops both servers (by pid) and removes the directory
 * ```
 *
 * Run as root, the servers run as the `postgres` user (PostgreSQL refuses root), through runuser.
 * Processes are only ever signalled by the pid their postmaster.pid records.
 */

export interface PostgresServer {
  readonly name: "primary" | "replica";
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
}

export interface PostgresCluster {
  /** Loopback address both servers listen on. */
  readonly host: string;
  /** Database created for the app (the replica has it too). */
  readonly database: string;
  /**
   * Superuser with a password (scram-sha-256 over TCP): the harness's own login, and the stand-in
   * for RDS's rdsadmin, whose sessions the master user may not end.
   */
  readonly user: string;
  readonly password: string;
  /**
   * A login shaped like RDS's master user (RDS user guide, "Understanding the rds_superuser role":
   * LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION, sees every session in
   * pg_stat_activity and may end any that is not a superuser's), owner of `database`. The built-in
   * pg_read_all_stats and pg_signal_backend roles grant what rds_superuser does there.
   */
  readonly master: { readonly user: string; readonly password: string };
  readonly primary: PostgresServer;
  /** Undefined when started with `{ replica: false }`. */
  readonly replica: PostgresServer | undefined;
  /** Temporary directory holding both data directories and the server logs. */
  readonly baseDir: string;
  /** postgres:// URL for one server. */
  url(server: PostgresServer): string;
  /** Resolves once the replica has replayed everything the primary has committed so far. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  /** Promotes the replica with pg_promote() and waits until it accepts writes. */
  promote(): Promise<void>;
  /** Freezes a server (SIGSTOP to the postmaster and all its children): connections hang. */
  hang(server: PostgresServer): void;
  /** Undoes hang() (SIGCONT). */
  resume(server: PostgresServer): void;
  /** Stops a server (fast shutdown); start() brings it back on the same port. */
  stop(server: PostgresServer): Promise<void>;
  start(server: PostgresServer): Promise<void>;
  /** Stops whatever still runs and removes the temporary directory. */
  close(): Promise<void>;
}

export interface PostgresClusterOptions {
  /** Start a streaming replica too (default true). */
  replica?: boolean;
  /** Database to create (default "pilotlight"). */
  database?: string;
  /** Parent of the temporary directory (default the OS temp dir). */
  parentDir?: string;
}

export class PostgresHarnessError extends Error {
  override readonly name = "PostgresHarnessError";
}

const BIN = process.env.PILOTLIGHT_PG_BIN ?? "/usr/lib/postgresql/15/bin";
const HOST = "127.0.0.1";
const USER = "postgres";
const exec = promisify(execFile);

/** uid/gid to run PostgreSQL as: ourselves, or the `postgres` user when we are root. */
function serverOwner(): { uid: number; gid: number; asRoot: boolean } {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? 0, asRoot: false };
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line)
    throw new PostgresHarnessError("running as root, but there is no `postgres` user to run the server");
  const [, , u, g] = line.split(":");
  return { uid: Number(u), gid: Number(g), asRoot: true };
}

async function run(owner: { asRoot: boolean }, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const file = owner.asRoot ? "runuser" : join(BIN, command);
  const argv = owner.asRoot ? ["-u", "postgres", "--", join(BIN, command), ...args] : args;
  try {
    return await exec(file, argv, { env: { ...process.env, ...env }, timeout: 120_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new PostgresHarnessError(`${command} ${args.join(" ")} failed: ${e.stderr || e.message}`, {
      cause: err,
    });
  }
}

function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The postmaster and every process whose parent it is (backends, walsender, checkpointer...). */
function processTree(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // the command name may hold spaces; the parent pid is the 2nd field after ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return [pid, ...children];
}

/** Signals the postmaster and its children; a backend that exits meanwhile is skipped. */
function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const p of processTree(pid)) {
    try {
      process.kill(p, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  }
}

/**
 * Starts a primary (and a streaming replica made with pg_basebackup -R) and waits until both
 * answer. Takes a few seconds.
 */
export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const owner = serverOwner();
  const database = options.database ?? "pilotlight";
  const password = `pl-${Math.random().toString(36).slice(2)}`;
  const master = { user: "pilotlight", password: `pl-${Math.random().toString(36).slice(2)}` };
  const baseDir = mkdtempSync(join(options.parentDir ?? tmpdir(), "pilotlight-pg-"));
  chownSync(baseDir, owner.uid, owner.gid);
  const primary: PostgresServer = {
    name: "primary",
    host: HOST,
    port: await freePort(),
    dataDir: join(baseDir, "primary"),
  };
  const replica: PostgresServer | undefined =
    options.replica === false
      ? undefined
      : { name: "replica", host: HOST, port: await freePort(), dataDir: join(baseDir, "replica") };
  const pgEnv = { PGPASSWORD: password, PGHOST: HOST, PGUSER: USER };

  const pwfile = join(baseDir, "pwfile");
  writeFileSync(pwfile, password, { mode: 0o600 });
  chownSync(pwfile, owner.uid, owner.gid);

  const start = async (server: PostgresServer) => {
    // unix sockets in our own directory: /var/run/postgresql may not exist or be writable.
    const opts = `-p ${server.port} -c listen_addresses=${HOST} -c unix_socket_directories=${baseDir}`;
    await run(owner, "pg_ctl", [
      "start",
      "-w",
      "-t",
      "60",
      "-D",
      server.dataDir,
      "-l",
      `${server.dataDir}.log`,
      "-o",
      opts,
    ]);
  };
  const stop = async (server: PostgresServer) => {
    const pid = postmasterPid(server.dataDir);
    if (pid === undefined) return;
    signalTree(pid, "SIGCONT"); // a hung server cannot shut down
    await run(owner, "pg_ctl", ["stop", "-w", "-t", "60", "-m", "fast", "-D", server.dataDir]);
  };
  const query = async <T extends pg.QueryResultRow>(
    server: PostgresServer,
    sql: string,
    params: unknown[] = [],
  ) => {
    const client = new pg.Client({
      host: HOST,
      port: server.port,
      user: USER,
      password,
      database: "postgres",
    });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  try {
    await run(owner, "initdb", [
      "-D",
      primary.dataDir,
      "-U",
      USER,
      `--pwfile=${pwfile}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "--no-instructions",
      // the data directory is thrown away: skip initdb's fsync (the server itself keeps fsync on)
      "--no-sync",
    ]);
    // small and quick: the harness runs next to other tests on a small machine
    writeFileSync(
      join(primary.dataDir, "postgresql.auto.conf"),
      ["shared_buffers = 32MB", "max_connections = 100", "wal_level = replica", "fsync = on", ""].join("\n"),
      { flag: "a" },
    );
    await start(primary);
    await run(owner, "createdb", ["-h", HOST, "-p", String(primary.port), database], pgEnv);
    await query(
      primary,
      `CREATE ROLE ${master.user} WITH LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION PASSWORD '${master.password}' IN ROLE pg_read_all_stats, pg_signal_backend`,
    );
    await query(primary, `ALTER DATABASE "${database}" OWNER TO ${master.user}`);
    if (replica) {
      await run(
        owner,
        "pg_basebackup",
        [
          "-h",
          HOST,
          "-p",
          String(primary.port),
          "-D",
          replica.dataDir,
          "-R",
          "-X",
          "stream",
          "-c",
          "fast",
          "--no-sync",
        ],
        pgEnv,
      );
      await start(replica);
    }
  } catch (err) {
    for (const s of [replica, primary]) if (s) await stop(s).catch(() => undefined);
    rmSync(baseDir, { recursive: true, force: true });
    throw err;
  }

  const cluster: PostgresCluster = {
    host: HOST,
    database,
    user: USER,
    password,
    master,
    primary,
    replica,
    baseDir,
    url: (server) =>
      `postgres://${USER}:${encodeURIComponent(password)}@${HOST}:${server.port}/${encodeURIComponent(database)}`,
    async waitForReplay(timeoutMs = 30_000) {
      if (!replica) throw new PostgresHarnessError("this cluster has no replica");
      const [{ lsn }] = (await query<{ lsn: string }>(
        primary,
        "SELECT pg_current_wal_lsn()::text AS lsn",
      )) as [{ lsn: string }];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await query<{ done: boolean }>(
          replica,
          "SELECT coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1) >= 0, false) AS done",
          [lsn],
        );
        if (row?.done) return;
        if (Date.now() > deadline)
          throw new PostgresHarnessError(`the replica did not replay ${lsn} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async promote() {
      if (!replica) throw new PostgresHarnessError("this cluster has no replica");
      const [row] = await query<{ promoted: boolean }>(replica, "SELECT pg_promote(true, 60) AS promoted");
      if (!row?.promoted) throw new PostgresHarnessError("pg_promote() did not finish within 60 s");
    },
    hang(server) {
      const pid = postmasterPid(server.dataDir);
      if (pid === undefined) throw new PostgresHarnessError(`${server.name} is not running`);
      signalTree(pid, "SIGSTOP");
    },
    resume(server) {
      const pid = postmasterPid(server.dataDir);
      if (pid === undefined) return;
      signalTree(pid, "SIGCONT");
    },
    stop,
    start,
    async close() {
      for (const s of [replica, primary]) if (s) await stop(s).catch(() => undefined);
      await rm(baseDir, { recursive: true, force: true });
    },
  };
  return cluster;
}
