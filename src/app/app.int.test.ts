import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALL_LOG_ENV } from "../aws/call-recorder.js";
import { ensureAppRole, fenceWrites, liftFence, type SqlEndpoint } from "../cli/failback/sql.js";
import { type PostgresCluster, startPostgresCluster } from "../local/postgres.js";
import { type RunningApp, startApp } from "./app.js";
import type { AppConfig } from "./config.js";

// These apps read secrets the test makes, of no deployment: the IAM contract (test/iam) covers the
// app's calls through the local stack of the drill's deployment, whose role names its secrets.
delete process.env[CALL_LOG_ENV];

// Real PostgreSQL 15 (primary + streaming replica, src/local/postgres.ts) and the secret in the
// moto emulator: the same code path as on an instance.

const REGION_P = "eu-west-1";
const REGION_B = "eu-central-1";

// The app logs in as its own role, which `pilotlight app-role` (here: the same ensureAppRole, as
// the harness's RDS-shaped master user) creates on the writer; the replica follows.
const APP_LOGIN = { user: "pilotlight_app", password: "app-pw-1" };

function masterAt(cluster: PostgresCluster, port = cluster.primary.port): SqlEndpoint {
  return {
    host: cluster.host,
    port,
    ...cluster.master,
    database: cluster.database,
    ssl: false,
    app: APP_LOGIN,
  };
}

async function createSecret(region: string, cluster: PostgresCluster): Promise<string> {
  await ensureAppRole(masterAt(cluster));
  const client = new SecretsManagerClient({ region });
  const out = await client.send(
    new CreateSecretCommand({
      Name: `pilotlight-app-test-${Math.random().toString(36).slice(2)}`,
      SecretString: JSON.stringify({
        username: APP_LOGIN.user,
        password: APP_LOGIN.password,
        engine: "postgres",
      }),
    }),
  );
  return out.ARN as string;
}

function config(region: string, role: "primary" | "backup", port: number, secretArn: string): AppConfig {
  return {
    region,
    regionRole: role,
    db: { host: "127.0.0.1", port, name: "pilotlight", secretArn, tls: "disable" },
    host: "127.0.0.1",
    port: 0,
  };
}

async function get(app: RunningApp, path: string) {
  const res = await fetch(`${app.url}${path}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function post(app: RunningApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("app against PostgreSQL with a streaming replica", () => {
  let cluster: PostgresCluster;
  let appP: RunningApp;
  let appB: RunningApp;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const replica = cluster.replica;
    if (!replica) throw new Error("no replica");
    appP = await startApp(
      config(REGION_P, "primary", cluster.primary.port, await createSecret(REGION_P, cluster)),
    );
    appB = await startApp(config(REGION_B, "backup", replica.port, await createSecret(REGION_B, cluster)));
    await until("P healthy", 10_000, async () =>
      (await get(appP, "/health")).status === 200 ? true : undefined,
    );
  });

  afterAll(async () => {
    await appP?.close();
    await appB?.close();
    await cluster?.close();
  });

  describe("on the primary", () => {
    it("reports healthy with the string Route 53 matches", async () => {
      const res = await get(appP, "/health");
      expect(res.status).toBe(200);
      expect(res.text).toContain('"status":"ok"');
    });

    it("says which region and DB role serve", async () => {
      const res = await get(appP, "/");
      expect(JSON.parse(res.text)).toMatchObject({
        region: REGION_P,
        regionRole: "primary",
        dbRole: "primary",
      });
    });

    it("creates, gets and lists orders", async () => {
      const created = await post(appP, "/orders", { customer: "ada", item: "lamp", quantity: 2 });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ customer: "ada", item: "lamp", quantity: 2, region: REGION_P });
      const id = created.json.id as number;
      expect(created.headers.get("location")).toBe(`/orders/${id}`);
      expect(JSON.parse((await get(appP, `/orders/${id}`)).text)).toEqual(created.json);
      const list = JSON.parse((await get(appP, "/orders?limit=100")).text) as { orders: { id: number }[] };
      expect(list.orders.map((o) => o.id)).toContain(id);
    });

    it("writes once per Idempotency-Key", async () => {
      const order = { customer: "bob", item: "desk", quantity: 1 };
      const first = await post(appP, "/orders", order, { "idempotency-key": "k-1" });
      const retry = await post(appP, "/orders", order, { "idempotency-key": "k-1" });
      expect(first.status).toBe(201);
      expect(retry.status).toBe(200);
      expect(retry.json.id).toBe(first.json.id);
    });

    it("rejects invalid input with a 400 naming the fields", async () => {
      const res = await post(appP, "/orders", { customer: "", item: "x", quantity: 0, extra: 1 });
      expect(res.status).toBe(400);
      const fields = (res.json.error as { details: { field: string }[] }).details.map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(["customer", "quantity"]));
      expect((await post(appP, "/orders", "{not json")).status).toBe(400);
      expect((await get(appP, "/orders/abc")).status).toBe(400);
      expect((await get(appP, "/orders?limit=1000")).status).toBe(400);
      expect((await get(appP, "/orders/999999999")).status).toBe(404);
      expect((await get(appP, "/nope")).status).toBe(404);
    });
  });

  describe("on the replica, then after pg_promote()", () => {
    it("answers 503 on /health and on writes until promoted, then 200; acknowledged writes survive", async () => {
      // Prepare: B before promotion
      const before = await get(appB, "/health");
      expect(before.status).toBe(503);
      expect(before.text).not.toContain('"status":"ok"');
      expect(JSON.parse(before.text).reason).toMatch(/replica/);
      expect(JSON.parse((await get(appB, "/")).text)).toMatchObject({
        regionRole: "backup",
        dbRole: "replica",
      });
      const refused = await post(appB, "/orders", { customer: "eve", item: "pen", quantity: 1 });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("5");
      expect(refused.json.error).toMatchObject({ code: "read_only" });

      // writes acknowledged by P: a planned switchover waits for replay before promoting
      const acked: number[] = [];
      for (let i = 0; i < 50; i++) {
        const res = await post(appP, "/orders", { customer: `c${i}`, item: "planned", quantity: 1 });
        expect(res.status).toBe(201);
        acked.push(res.json.id as number);
      }
      await cluster.waitForReplay();
      // reads work on the replica already
      expect((await get(appB, `/orders/${acked[0]}`)).status).toBe(200);

      // Act
      await cluster.promote();

      // Assess
      const healthy = await until("B healthy", 5_000, async () => {
        const res = await get(appB, "/health");
        return res.status === 200 ? res : undefined;
      });
      expect(healthy.text).toContain('"status":"ok"');
      for (const id of acked) expect((await get(appB, `/orders/${id}`)).status).toBe(200);
      const write = await post(appB, "/orders", { customer: "eve", item: "pen", quantity: 1 });
      expect(write.status).toBe(201);
      expect(write.json.region).toBe(REGION_B);
      expect(acked).not.toContain(write.json.id);
    });
  });
});

describe("app when the database fails", () => {
  let cluster: PostgresCluster;
  let app: RunningApp;
  let secretArn: string;

  beforeAll(async () => {
    cluster = await startPostgresCluster({ replica: false });
    secretArn = await createSecret(REGION_P, cluster);
    app = await startApp(config(REGION_P, "primary", cluster.primary.port, secretArn), {
      timeouts: { query: 1500 },
    });
    await until("healthy", 10_000, async () =>
      (await get(app, "/health")).status === 200 ? true : undefined,
    );
  });

  afterAll(async () => {
    cluster?.resume(cluster.primary);
    await app?.close();
    await cluster?.close();
  });

  async function timedHealth() {
    const started = Date.now();
    const res = await get(app, "/health");
    return { ...res, ms: Date.now() - started };
  }

  it("answers 503 within 2 s while the DB hangs, and 200 again after", async () => {
    cluster.hang(cluster.primary);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await timedHealth();
        expect(res.status).toBe(503);
        expect(res.ms).toBeLessThan(2000);
      }
      const write = await post(app, "/orders", { customer: "x", item: "y", quantity: 1 });
      expect(write.status).toBe(503);
      expect(write.headers.get("retry-after")).toBe("5");
    } finally {
      cluster.resume(cluster.primary);
    }
    await until("healthy again", 10_000, async () =>
      (await get(app, "/health")).status === 200 ? true : undefined,
    );
  });

  it("answers 503 while the failback's write fence holds its role, and 200 once it is lifted", async () => {
    await fenceWrites(masterAt(cluster));
    try {
      const res = await get(app, "/health");
      expect(res.status).toBe(503);
      const write = await post(app, "/orders", { customer: "x", item: "fenced", quantity: 1 });
      expect(write.status).toBe(503);
      expect(write.json.error).toMatchObject({ code: "db_unavailable" });
    } finally {
      await liftFence(masterAt(cluster));
    }
    await until("healthy again", 10_000, async () =>
      (await get(app, "/health")).status === 200 ? true : undefined,
    );
  });

  it("follows a rotation of its role's password without a restart", async () => {
    const rotated = { ...APP_LOGIN, password: "app-pw-2" };
    await ensureAppRole({ ...masterAt(cluster), app: rotated });
    await new SecretsManagerClient({ region: REGION_P }).send(
      new PutSecretValueCommand({
        SecretId: secretArn,
        SecretString: JSON.stringify({
          username: rotated.user,
          password: rotated.password,
          engine: "postgres",
        }),
      }),
    );
    // every session ends (as a server restart would): each login from now on needs the new password
    const admin = new pg.Client({ connectionString: cluster.url(cluster.primary) });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = $1", [
      APP_LOGIN.user,
    ]);
    await admin.end();
    // requests alone (no health probe) find out that the password changed
    await until("writes on the new password", 20_000, async () =>
      (await post(app, "/orders", { customer: "x", item: "rotated", quantity: 1 })).status === 201
        ? true
        : undefined,
    );
    expect((await get(app, "/health")).status).toBe(200);
  });

  it("answers 503 within 2 s while the DB is stopped, and 200 again after", async () => {
    await cluster.stop(cluster.primary);
    const res = await timedHealth();
    expect(res.status).toBe(503);
    expect(res.ms).toBeLessThan(2000);
    expect(JSON.parse(res.text).reason).toMatch(/database unavailable/);
    expect((await get(app, "/healthz")).status).toBe(200);
    const write = await post(app, "/orders", { customer: "x", item: "y", quantity: 1 });
    expect(write.status).toBe(503);
    await cluster.start(cluster.primary);
    await until("healthy again", 10_000, async () =>
      (await get(app, "/health")).status === 200 ? true : undefined,
    );
  });
});

describe("main (the instance entry point)", () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await startPostgresCluster({ replica: false });
  });

  afterAll(async () => {
    cluster?.resume(cluster.primary);
    await cluster?.close();
  });

  it("drains an in-flight write on SIGTERM, then exits 0", async () => {
    // Prepare: the app as a child process, configured from the environment as under systemd
    const child = spawn("node_modules/.bin/tsx", ["src/app/main.ts"], {
      env: {
        ...process.env,
        PILOTLIGHT_REGION: REGION_P,
        PILOTLIGHT_REGION_ROLE: "primary",
        PILOTLIGHT_DB_HOST: "127.0.0.1",
        PILOTLIGHT_DB_PORT: String(cluster.primary.port),
        PILOTLIGHT_DB_NAME: cluster.database,
        PILOTLIGHT_DB_SECRET_ARN: await createSecret(REGION_P, cluster),
        PILOTLIGHT_DB_TLS: "disable",
        HOST: "127.0.0.1",
        PORT: "0",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = once(child, "exit");
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      const url = await until(
        "the app to listen",
        20_000,
        async () => stderr.match(/listening on (\S+)/)?.[1],
      );
      const app = { url } as RunningApp;
      await until("healthy", 10_000, async () =>
        (await get(app, "/health")).status === 200 ? true : undefined,
      );

      // Act: a write waits on a hung DB; SIGTERM arrives meanwhile; the DB comes back
      cluster.hang(cluster.primary);
      const write = post(app, "/orders", { customer: "drain", item: "x", quantity: 1 });
      await new Promise((r) => setTimeout(r, 300));
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      cluster.resume(cluster.primary);

      // Assess: the write was answered (committed), and the process ended cleanly
      expect((await write).status).toBe(201);
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(stderr).toContain("SIGTERM: draining");
    } finally {
      cluster.resume(cluster.primary);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
