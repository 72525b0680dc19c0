// Load benchmark of the reference app on loopback (not a test): requests/s and p99 latency for
// reads and writes, and the time from pg_promote() to the first 200 on /health of the app on the
// promoted replica. Usage: node_modules/.bin/tsx bench/app.ts [seconds per load run, default 10]
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { type RunningApp, startApp } from "../src/app/app.js";
import type { AppConfig } from "../src/app/config.js";
import { ensureAppRole } from "../src/cli/failback/sql.js";
import { emulatorEnv, startEmulator, stopEmulator } from "../src/local/emulator.js";
import { type PostgresCluster, startPostgresCluster } from "../src/local/postgres.js";

interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<LoadResult>;
// autocannon ships no type declarations; the few fields used are typed above.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 20;
const PROMOTION_RUNS = 3;

// the app logs in as its own role, as on AWS (created on the writer; the replica follows)
const APP_LOGIN = { user: "pilotlight_app", password: "bench-app-pw" };

async function secretFor(region: string, cluster: PostgresCluster): Promise<string> {
  await ensureAppRole({
    host: cluster.host,
    port: cluster.primary.port,
    ...cluster.master,
    database: cluster.database,
    ssl: false,
    app: APP_LOGIN,
  });
  const out = await new SecretsManagerClient({ region }).send(
    new CreateSecretCommand({
      Name: `pilotlight-bench-${Math.random().toString(36).slice(2)}`,
      SecretString: JSON.stringify({ username: APP_LOGIN.user, password: APP_LOGIN.password }),
    }),
  );
  return out.ARN as string;
}

async function appOn(cluster: PostgresCluster, server: "primary" | "replica"): Promise<RunningApp> {
  const region = server === "primary" ? "eu-west-1" : "eu-central-1";
  const target = server === "primary" ? cluster.primary : cluster.replica;
  if (!target) throw new Error("no replica");
  const config: AppConfig = {
    region,
    regionRole: server === "primary" ? "primary" : "backup",
    db: {
      host: target.host,
      port: target.port,
      name: cluster.database,
      secretArn: await secretFor(region, cluster),
      tls: "disable",
    },
    host: "127.0.0.1",
    port: 0,
  };
  return startApp(config);
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

async function post(app: RunningApp, i: number): Promise<number | undefined> {
  const res = await fetch(`${app.url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ customer: `c${i}`, item: "bench", quantity: 1 }),
  });
  return res.status === 201 ? ((await res.json()) as { id: number }).id : undefined;
}

function row(name: string, r: LoadResult): string {
  const bad = r.non2xx + r.errors + r.timeouts;
  return `${name.padEnd(28)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx/errors ${bad}`;
}

async function loadRuns(): Promise<void> {
  const cluster = await startPostgresCluster({ replica: false });
  const app = await appOn(cluster, "primary");
  try {
    while ((await status(`${app.url}/health`)) !== 200) await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 100; i++) await post(app, i);
    const common = { connections: CONNECTIONS, duration: SECONDS };
    const body = JSON.stringify({ customer: "bench", item: "lamp", quantity: 1 });
    console.log(`\nload: ${CONNECTIONS} connections, ${SECONDS} s each, app and PostgreSQL 15 on loopback`);
    console.log(row("GET /orders/:id (read)", await autocannon({ ...common, url: `${app.url}/orders/42` })));
    console.log(
      row("GET /orders?limit=20 (read)", await autocannon({ ...common, url: `${app.url}/orders?limit=20` })),
    );
    const writes = await autocannon({
      ...common,
      url: `${app.url}/orders`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    console.log(row("POST /orders (write)", writes));
    console.log(row("GET /health", await autocannon({ ...common, url: `${app.url}/health` })));
  } finally {
    await app.close();
    await cluster.close();
  }
}

/** One promotion: planned (replay awaited) or not; writes keep flowing to P until pg_promote(). */
async function promotionRun(planned: boolean): Promise<{ ms: number; acked: number; missing: number }> {
  const cluster = await startPostgresCluster();
  const appP = await appOn(cluster, "primary");
  const appB = await appOn(cluster, "replica");
  try {
    while ((await status(`${appP.url}/health`)) !== 200) await new Promise((r) => setTimeout(r, 50));
    // writes until the promotion starts; only those acknowledged before pg_promote() count
    const acked: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const id = await post(appP, i);
        if (id !== undefined && writing) acked.push(id);
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    writing = false;
    if (planned) {
      await writer;
      await cluster.waitForReplay();
    }
    const started = performance.now();
    const promoted = cluster.promote();
    while ((await status(`${appB.url}/health`)) !== 200) await new Promise((r) => setTimeout(r, 10));
    const ms = performance.now() - started;
    await promoted;
    await writer;
    let missing = 0;
    for (const id of acked) if ((await status(`${appB.url}/orders/${id}`)) !== 200) missing++;
    return { ms, acked: acked.length, missing };
  } finally {
    await appP.close();
    await appB.close();
    await cluster.close();
  }
}

const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-bench-"));
const emulator = await startEmulator(stateDir);
Object.assign(process.env, emulatorEnv(emulator.endpoint));
try {
  await loadRuns();
  console.log("\npg_promote() to the first 200 on /health of the app on the promoted replica:");
  for (const planned of [true, false]) {
    for (let run = 1; run <= PROMOTION_RUNS; run++) {
      const r = await promotionRun(planned);
      console.log(
        `  ${planned ? "planned  " : "unplanned"} run ${run}: ${r.ms.toFixed(0).padStart(5)} ms; writes acknowledged by P before promotion: ${r.acked}, missing on B: ${r.missing}`,
      );
    }
  }
} finally {
  stopEmulator(stateDir);
  rmSync(stateDir, { recursive: true, force: true });
}
