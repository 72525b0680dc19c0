import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Starts and stops the local AWS API emulator: moto in server mode on a free loopback port,
 * launched from src/local/moto_server.py (which carries the documented RDS patch), with the
 * fault proxy (fault-proxy.ts) in front of it unless asked not to: the endpoint handed to
 * Terraform and the programs is the proxy's, so a test or drill can lose a region. State (pids,
 * endpoints, logs) lives in a directory of the caller's, so several runs can coexist and a stop
 * only ever kills the processes it started, by pid.
 */

export interface Emulator {
  /** What SDK clients and Terraform use: the fault proxy's endpoint, or moto's without one. */
  endpoint: string;
  /** moto's own endpoint. */
  motoEndpoint: string;
  /** moto's pid. */
  pid: number;
  /** The fault proxy's pid, when one stands in front. */
  proxyPid?: number;
  stateDir: string;
}

export interface StartOptions {
  timeoutMs?: number;
  /** Put the fault proxy in front (default true); its pass-through is streamed. */
  faultProxy?: boolean;
  /** Extra environment for moto (the RDS patch's settings, moto_server.py). */
  motoEnv?: Record<string, string>;
}

export class EmulatorError extends Error {
  override readonly name = "EmulatorError";
}

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER_SCRIPT = join(HERE, "moto_server.py");
const PROXY_SCRIPT = join(HERE, "fault-proxy-main.ts");

/** The virtualenv scripts/toolchain installs moto into. */
export function motoPython(): string {
  const venv = process.env.PILOTLIGHT_VENV ?? join(homedir(), ".cache", "pilotlight", "venv");
  const python = join(venv, "bin", "python");
  if (!existsSync(python)) {
    throw new EmulatorError(`moto is not installed (no ${python}). Run scripts/toolchain first.`);
  }
  return python;
}

/** A free TCP port on loopback (the emulator, the local PostgreSQL servers and apps use them). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** Resolves once the emulator answers, or throws after `timeoutMs`. */
async function waitUntilAnswers(endpoint: string, timeoutMs: number, stateDir: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EmulatorError(
    `the emulator did not answer at ${endpoint} within ${timeoutMs} ms; see the logs in ${stateDir}`,
  );
}

/** Starts a detached process logging to `logFile`; returns its pid. */
function spawnDetached(command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv): number {
  const log = openSync(logFile, "a");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", log, log], env });
  child.unref();
  if (child.pid === undefined) throw new EmulatorError(`could not start ${command}; see ${logFile}`);
  return child.pid;
}

/** Starts moto (and the fault proxy in front of it) and waits until the endpoint answers. */
export async function startEmulator(stateDir: string, options: StartOptions = {}): Promise<Emulator> {
  const { timeoutMs = 30_000, faultProxy = true, motoEnv = {} } = options;
  mkdirSync(stateDir, { recursive: true });
  const existing = readEmulator(stateDir);
  if (existing) {
    throw new EmulatorError(
      `an emulator started from ${stateDir} still runs (pid ${existing.pid}, ${existing.endpoint}); stop it first.`,
    );
  }
  const motoPort = await freePort();
  const motoEndpoint = `http://127.0.0.1:${motoPort}`;
  const pid = spawnDetached(motoPython(), [SERVER_SCRIPT, String(motoPort)], join(stateDir, "moto.log"), {
    ...process.env,
    // The app module attaches AWS-managed policies (AmazonSSMManagedInstanceCore); moto serves
    // them only when asked.
    MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
    ...motoEnv,
  });
  const emulator: Emulator = { endpoint: motoEndpoint, motoEndpoint, pid, stateDir };
  writeFileSync(join(stateDir, "emulator.json"), JSON.stringify(emulator));
  try {
    if (faultProxy) {
      const proxyPort = await freePort();
      // tsx's loader, resolved from here, so the proxy starts from any working directory.
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
      emulator.proxyPid = spawnDetached(
        process.execPath,
        ["--import", tsx, PROXY_SCRIPT, motoEndpoint, String(proxyPort)],
        join(stateDir, "fault-proxy.log"),
        process.env,
      );
      emulator.endpoint = `http://127.0.0.1:${proxyPort}`;
      writeFileSync(join(stateDir, "emulator.json"), JSON.stringify(emulator));
    }
    await waitUntilAnswers(emulator.endpoint, timeoutMs, stateDir);
  } catch (err) {
    stopEmulator(stateDir);
    throw err;
  }
  return emulator;
}

/** Whether a process still runs (signal 0); how every local-mode stop finds its own pids. */
export function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The emulator a state directory records, if its process still runs. */
export function readEmulator(stateDir: string): Emulator | undefined {
  const file = join(stateDir, "emulator.json");
  if (!existsSync(file)) return undefined;
  const emulator = JSON.parse(readFileSync(file, "utf8")) as Emulator;
  return isRunning(emulator.pid) ? emulator : undefined;
}

/** Stops the emulator recorded in `stateDir` (moto and its proxy) by pid; returns whether one was running. */
export function stopEmulator(stateDir: string): boolean {
  const emulator = readEmulator(stateDir);
  rmSync(join(stateDir, "emulator.json"), { force: true });
  if (!emulator) return false;
  if (isRunning(emulator.proxyPid)) process.kill(emulator.proxyPid as number, "SIGTERM");
  process.kill(emulator.pid, "SIGTERM");
  return true;
}

/** Environment for an SDK client, the CLI or Terraform aimed at the emulator. */
export function emulatorEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** True for the loopback address the launcher serves the emulator on: local mode's only target. */
export function isEmulatorEndpoint(endpoint: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(endpoint);
}

/** Local mode refused: AWS_ENDPOINT_URL is not the emulator's, so a call could reach AWS. */
export class NotEmulatorError extends Error {
  override readonly name = "NotEmulatorError";
}

/** Local mode works only against the emulator: refuse anything that could reach AWS. */
export function assertEmulator(env: NodeJS.ProcessEnv = process.env): string {
  const endpoint = env.AWS_ENDPOINT_URL ?? "";
  if (!isEmulatorEndpoint(endpoint)) {
    throw new NotEmulatorError(
      '--local runs against the local emulator only, and AWS_ENDPOINT_URL is not a loopback URL. Start it and load its environment: bash scripts/emulator start && eval "$(bash scripts/emulator env)"',
    );
  }
  return endpoint;
}
