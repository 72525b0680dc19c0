import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { fetchDbCredentials } from "../app/credentials.js";
import { ensureAppRole, type SqlLogin } from "../cli/failback/sql.js";
import type { DeploymentConfig, RegionRole } from "../core/config.js";
import { normaliseDnsName } from "../core/route53.js";
import { freePort, isRunning } from "./emulator.js";
import { type Credentials, type ServerRef, stopServer } from "./pg-control.js";
import { startPostgresCluster } from "./postgres.js";

/**
 * The local stack the emulator cannot run: a real PostgreSQL primary (P's database) and its
 * streaming replica (B's), and the reference app as two processes on loopback, one per region,
 * each behind "its" ALB. It outlives one CLI command (`drill --local` starts it, `failback`
 * works on it), so everything is recorded in `<stateDir>/stack.json` and stopped by pid.
 */

export interface AppInstance {
  side: RegionRole;
  region: string;
  /** The ALB this instance stands behind (normalised DNS name): what "the DNS name" resolves to. */
  albDnsName: string;
  port: number;
  url: string;
  /** The database server it connects to. */
  db: ServerRef;
  pid?: number;
}

export interface LocalStack {
  stateDir: string;
  deployment: string;
  /** The cluster's superuser (rdsadmin's stand-in): the harness's own operations. */
  creds: Credentials;
  /** The login shaped like RDS's master user, as the master secret holds it: the app role's setup, the fence. */
  master: SqlLogin;
  /** The app's own role, as the app role's secret holds it: what the apps log in as. */
  app: SqlLogin;
  database: string;
  /** Base directory of both data directories (removed on stop). */
  baseDir: string;
  db: Record<RegionRole, ServerRef>;
  apps: Record<RegionRole, AppInstance>;
  /** The app bundle the instances run. */
  appBundle: string;
}

export class LocalStackError extends Error {
  override readonly name = "LocalStackError";
}

const stackFile = (stateDir: string) => join(stateDir, "stack.json");

export function saveStack(stack: LocalStack): void {
  writeFileSync(stackFile(stack.stateDir), JSON.stringify(stack, null, 2));
}

/** The stack recorded in `stateDir`, if any. */
export function loadStack(stateDir: string): LocalStack | undefined {
  const file = stackFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as LocalStack;
}

/**
 * Whether an app instance answers `path` with 200: the deep `/health` (what Route 53 asks of P)
 * or the shallow `/healthz` (what the target groups ask).
 */
export async function appHealthy(
  app: AppInstance,
  path: "/health" | "/healthz" = "/health",
  timeoutMs = 1_000,
): Promise<boolean> {
  if (!isRunning(app.pid)) return false;
  try {
    const res = await fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts one instance of the app (the bundle the launch template installs) with the environment
 * user data gives it, and waits until it is alive (`/healthz`).
 */
export async function startApp(stack: LocalStack, side: RegionRole): Promise<AppInstance> {
  const app = stack.apps[side];
  if (isRunning(app.pid)) return app;
  const log = openSync(join(stack.stateDir, `app-${side}.log`), "a");
  const config = JSON.parse(readFileSync(join(stack.stateDir, "config.json"), "utf8")) as DeploymentConfig;
  const child = spawn(process.execPath, [stack.appBundle], {
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      PILOTLIGHT_REGION: app.region,
      PILOTLIGHT_REGION_ROLE: side,
      PILOTLIGHT_DB_HOST: stack.creds.host,
      PILOTLIGHT_DB_PORT: String(app.db.port),
      PILOTLIGHT_DB_NAME: stack.database,
      PILOTLIGHT_DB_SECRET_ARN: config[side].appSecretArn,
      PILOTLIGHT_DB_TLS: "disable",
      HOST: "127.0.0.1",
      PORT: String(app.port),
    },
  });
  child.unref();
  app.pid = child.pid;
  saveStack(stack);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return app;
    } catch {
      // not listening yet
    }
    if (!isRunning(app.pid)) {
      throw new LocalStackError(
        `the ${side} app exited at start; see ${join(stack.stateDir, `app-${side}.log`)}`,
      );
    }
    if (Date.now() > deadline) throw new LocalStackError(`the ${side} app did not answer /healthz in 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops an app instance by pid (SIGTERM: it drains) and waits for it to exit. */
export async function stopApp(stack: LocalStack, side: RegionRole): Promise<void> {
  const app = stack.apps[side];
  const pid = app.pid;
  if (isRunning(pid)) {
    process.kill(pid as number, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isRunning(pid)) process.kill(pid as number, "SIGKILL");
  }
  delete app.pid;
  saveStack(stack);
}

/** P's app listens where the probe looks (examples/local `probe_target_url`), when that is on loopback. */
function probedPort(config: DeploymentConfig): number | undefined {
  const url = new URL(config.probe.target.url);
  return url.hostname === "127.0.0.1" && url.port ? Number(url.port) : undefined;
}

/**
 * Starts PostgreSQL (primary + streaming replica), writes its RDS-shaped master user's credentials
 * into both regions' DB secrets in the emulator (RDS format, as Terraform's secret holds them),
 * creates the app's own role from the app role's secret the way `pilotlight app-role` does on AWS
 * (the same ensureAppRole, as the master user, on the writer), and starts both app instances,
 * which read only the app role's secret. Refuses when a stack is already recorded in `stateDir` and still runs.
 */
export async function startStack(
  config: DeploymentConfig,
  stateDir: string,
  appBundle: string,
  log: (m: string) => void,
): Promise<LocalStack> {
  mkdirSync(stateDir, { recursive: true });
  const existing = loadStack(stateDir);
  if (
    existing &&
    (isRunning(existing.apps.primary.pid) ||
      isRunning(existing.apps.backup.pid) ||
      existsSync(existing.baseDir))
  ) {
    throw new LocalStackError(
      `a local stack from ${stateDir} still runs; stop it first (node_modules/.bin/tsx src/local/stack-main.ts stop ${stateDir})`,
    );
  }
  if (!existsSync(appBundle)) {
    throw new LocalStackError(`the app bundle ${appBundle} is missing: run node scripts/build.mjs app`);
  }
  writeFileSync(join(stateDir, "config.json"), JSON.stringify(config, null, 2));
  const started = Date.now();
  const cluster = await startPostgresCluster();
  if (!cluster.replica) throw new LocalStackError("the PostgreSQL harness started no replica");
  log(
    `PostgreSQL 15 primary :${cluster.primary.port} and streaming replica :${cluster.replica.port} (${Date.now() - started} ms)`,
  );

  // nothing may outlive a failed start: stop what started (by pid) and remove the databases
  let stack: LocalStack | undefined;
  try {
    // the secret lives in P and is replicated to B (writes to a replica are refused, as on AWS)
    const secret = JSON.stringify({
      username: cluster.master.user,
      password: cluster.master.password,
      engine: "postgres",
    });
    await new SecretsManagerClient({ region: config.primary.region }).send(
      new PutSecretValueCommand({ SecretId: config.primary.secretArn, SecretString: secret }),
    );
    const replica = await new SecretsManagerClient({ region: config.backup.region }).send(
      new GetSecretValueCommand({ SecretId: config.backup.secretArn }),
    );
    if (replica.SecretString !== secret) {
      throw new LocalStackError(
        `${config.backup.secretArn} did not follow ${config.primary.secretArn}: is it its replica?`,
      );
    }
    // the app role's secret (Terraform's, or the test deployment's) in P; B's instances read its replica
    const appCreds = await fetchDbCredentials(
      new SecretsManagerClient({ region: config.primary.region }),
      config.primary.appSecretArn,
    );
    const appLogin = { user: appCreds.username, password: appCreds.password };
    const role = await ensureAppRole({
      host: cluster.host,
      port: cluster.primary.port,
      ...cluster.master,
      database: cluster.database,
      ssl: false,
      app: appLogin,
    });
    log(`the app's database role ${appLogin.user} ${role.created ? "created" : "brought up to date"} on P`);
    const app = async (side: RegionRole, db: ServerRef): Promise<AppInstance> => {
      const port = side === "primary" ? (probedPort(config) ?? (await freePort())) : await freePort();
      return {
        side,
        region: config[side].region,
        albDnsName: normaliseDnsName(config[side].alb.dnsName),
        port,
        url: `http://127.0.0.1:${port}`,
        db,
      };
    };
    const db = {
      primary: { port: cluster.primary.port, dataDir: cluster.primary.dataDir },
      backup: { port: cluster.replica.port, dataDir: cluster.replica.dataDir },
    };
    stack = {
      stateDir,
      deployment: config.deployment,
      creds: {
        host: cluster.host,
        user: cluster.user,
        password: cluster.password,
        socketDir: cluster.baseDir,
      },
      master: cluster.master,
      app: appLogin,
      database: cluster.database,
      baseDir: cluster.baseDir,
      db,
      apps: { primary: await app("primary", db.primary), backup: await app("backup", db.backup) },
      appBundle: resolve(appBundle),
    };
    saveStack(stack);
    await Promise.all([startApp(stack, "primary"), startApp(stack, "backup")]);
    saveStack(stack);
  } catch (err) {
    if (stack)
      await Promise.all([stopApp(stack, "primary"), stopApp(stack, "backup")]).catch(() => undefined);
    rmSync(stackFile(stateDir), { force: true });
    await cluster.close();
    throw err;
  }
  log(
    `app instances: P ${stack.apps.primary.url} (pid ${stack.apps.primary.pid}), B ${stack.apps.backup.url} (pid ${stack.apps.backup.pid})`,
  );
  return stack;
}

/** Stops everything a stack started, by pid, and removes its databases. */
export async function stopStack(stateDir: string): Promise<boolean> {
  const stack = loadStack(stateDir);
  if (!stack) return false;
  await Promise.all([stopApp(stack, "primary"), stopApp(stack, "backup")]);
  for (const side of ["backup", "primary"] as const) await stopServer(stack.db[side]).catch(() => undefined);
  rmSync(stack.baseDir, { recursive: true, force: true });
  rmSync(stackFile(stateDir), { force: true });
  return true;
}
