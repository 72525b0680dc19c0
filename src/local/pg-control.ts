import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import pg from "pg";
import { isRunning } from "./emulator.js";

/**
 * Operations on a PostgreSQL server that src/local/postgres.ts started, from another process:
 * the local stack outlives the `drill` command, and `failback` works on it later. A server is
 * named by its port and data directory (recorded in the stack's state); it is only ever
 * signalled by the pid its postmaster.pid records.
 */

export interface ServerRef {
  port: number;
  dataDir: string;
}

export interface Credentials {
  host: string;
  user: string;
  password: string;
  /** Directory for unix sockets (the cluster's base directory). */
  socketDir: string;
}

export class PgControlError extends Error {
  override readonly name = "PgControlError";
}

const BIN = process.env.PILOTLIGHT_PG_BIN ?? "/usr/lib/postgresql/15/bin";
const exec = promisify(execFile);

/** Runs a PostgreSQL program as the server's owner (runuser when we are root, as postgres.ts does). */
async function asOwner(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const root = (process.getuid?.() ?? 0) === 0;
  const file = root ? "runuser" : `${BIN}/${command}`;
  const argv = root ? ["-u", "postgres", "--", `${BIN}/${command}`, ...args] : args;
  try {
    await exec(file, argv, { env: { ...process.env, ...env }, timeout: 120_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new PgControlError(`${command} ${args.join(" ")} failed: ${e.stderr || e.message}`, { cause: err });
  }
}

/** Runs one statement against a server's `postgres` database. */
export async function query<T extends pg.QueryResultRow>(
  creds: Credentials,
  server: ServerRef,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({
    host: creds.host,
    port: server.port,
    user: creds.user,
    password: creds.password,
    database: "postgres",
    connectionTimeoutMillis: 3_000,
  });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export function postmasterPid(server: ServerRef): number | undefined {
  const file = `${server.dataDir}/postmaster.pid`;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Fast shutdown (SIGINT to the postmaster, by its recorded pid); waits until it has exited. */
export async function stopServer(server: ServerRef, timeoutMs = 30_000): Promise<void> {
  const pid = postmasterPid(server);
  if (!isRunning(pid)) return;
  process.kill(pid as number, "SIGINT");
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline)
      throw new PgControlError(`PostgreSQL (pid ${pid}) did not stop in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a stopped server on its port, as postgres.ts does. */
export async function startServer(creds: Credentials, server: ServerRef): Promise<void> {
  const opts = `-p ${server.port} -c listen_addresses=${creds.host} -c unix_socket_directories=${creds.socketDir}`;
  await asOwner("pg_ctl", [
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
}

/** Whether the server is a standby (pg_is_in_recovery). */
export async function inRecovery(creds: Credentials, server: ServerRef): Promise<boolean> {
  const [row] = await query<{ r: boolean }>(creds, server, "SELECT pg_is_in_recovery() AS r");
  return row?.r ?? false;
}

/** pg_promote() on a standby, waiting for it to accept writes. */
export async function promoteServer(creds: Credentials, server: ServerRef): Promise<void> {
  const [row] = await query<{ promoted: boolean }>(creds, server, "SELECT pg_promote(true, 60) AS promoted");
  if (!row?.promoted)
    throw new PgControlError(`pg_promote() on port ${server.port} did not finish within 60 s`);
}

/**
 * Rebuilds `target` as a streaming replica of `source`: stop it, replace its data directory with a
 * pg_basebackup of the source (-R writes the standby settings), start it. What "rebuild
 * replication in the reverse direction" means for a self-managed PostgreSQL.
 */
export async function rebuildAsReplica(
  creds: Credentials,
  target: ServerRef,
  source: ServerRef,
): Promise<void> {
  await stopServer(target);
  rmSync(target.dataDir, { recursive: true, force: true });
  await asOwner(
    "pg_basebackup",
    [
      "-h",
      creds.host,
      "-p",
      String(source.port),
      "-U",
      creds.user,
      "-D",
      target.dataDir,
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
    ],
    { PGPASSWORD: creds.password },
  );
  await startServer(creds, target);
}
