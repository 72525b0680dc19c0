import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { recordCalls } from "../aws/call-recorder.js";
import type { AppConfig } from "./config.js";
import { fetchDbCredentials, PasswordSource } from "./credentials.js";
import { Database, type DbTimeouts, DEFAULT_TIMEOUTS } from "./database.js";
import { classifyDbError } from "./db-errors.js";
import { checkHealth, type HealthSource } from "./health.js";
import { InputError, type OrdersPool, registerOrders } from "./orders.js";

/** Seconds a client should wait before retrying a write the DB could not take. */
export const RETRY_AFTER_SECONDS = 5;

export interface StartOptions {
  /** Defaults to a client of `config.region` (AWS_ENDPOINT_URL aims it at the emulator). */
  secretsManager?: SecretsManagerClient;
  /** Fastify's logger: false (default) or true (JSON lines on stdout, what systemd collects). */
  logger?: boolean;
  timeouts?: Partial<DbTimeouts>;
}

export interface RunningApp {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Drains: /health turns 503, in-flight requests finish, then the pools close. */
  close(): Promise<void>;
}

/** The build defines it (scripts/build.mjs); from source it is "dev". */
export const BUILD_VERSION = process.env.PILOTLIGHT_BUILD_VERSION ?? "dev";

/**
 * Starts the app: reads its database role's credentials from Secrets Manager (the app role's
 * secret, never the master user's), starts listening, and migrates
 * the schema as soon as the DB is writable. The local demo starts it twice, as P's and B's.
 *
 * @example
 * const app = await startApp({ ...config, port: 0, host: "127.0.0.1" });
 * await fetch(`${app.url}/health`);
 * await app.close();
 */
export async function startApp(config: AppConfig, options: StartOptions = {}): Promise<RunningApp> {
  const secrets =
    options.secretsManager ?? recordCalls(new SecretsManagerClient({ region: config.region }), "app");
  const read = () => fetchDbCredentials(secrets, config.db.secretArn);
  const credentials = await read();
  let draining = false;
  const login = { username: credentials.username, password: new PasswordSource(credentials, read) };
  // The pools log only after start, when `app` exists.
  const db = new Database(config.db, login, { ...DEFAULT_TIMEOUTS, ...options.timeouts }, (msg, err) =>
    err ? app.log.warn({ err }, msg) : app.log.info(msg),
  );
  const app = buildServer(config, db, { logger: options.logger ?? false, draining: () => draining });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await db.close();
    throw err;
  }
  db.watchForWritable();

  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      draining = true;
      await app.close();
      await db.close();
    },
  };
}

/** What the routes need of the database; tests hand in a fake. */
export interface AppDatabase extends HealthSource {
  pool: OrdersPool;
  noteError: Database["noteError"];
}

/**
 * The HTTP server with every route, not yet listening: startApp() listens; unit tests use
 * `inject()` with a fake database.
 */
export function buildServer(
  config: AppConfig,
  db: AppDatabase,
  options: { logger: boolean; draining: () => boolean },
): FastifyInstance {
  const { draining } = options;
  const app = Fastify({
    logger: options.logger,
    // ALB idle timeout is 60 s; keep connections open longer so the ALB closes them, not us.
    keepAliveTimeout: 65_000,
    bodyLimit: 16 * 1024,
  });
  // While draining, close each connection after its response: a keep-alive connection would
  // otherwise hold the server open until its idle timeout.
  app.addHook("onSend", async (_request, reply) => {
    if (draining()) reply.header("connection", "close");
  });

  app.get("/healthz", async () => ({ status: "alive" }));

  app.get("/health", async (_request, reply) => {
    const report = await checkHealth(db, draining());
    return reply
      .code(report.healthy ? 200 : 503)
      .header("cache-control", "no-store")
      .send(report.body);
  });

  app.get("/", async () => {
    const role = await db.status().then(
      (s) => s.role,
      () => "unreachable" as const,
    );
    return {
      service: "pilotlight-app",
      region: config.region,
      regionRole: config.regionRole,
      dbRole: role,
      version: BUILD_VERSION,
    };
  });

  registerOrders(app, db.pool, config.region);

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } }),
  );

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof InputError) {
      return reply
        .code(400)
        .send({ error: { code: "invalid_input", message: err.message, details: err.details } });
    }
    const kind = classifyDbError(err);
    if (kind) {
      db.noteError(err);
      request.log.warn({ err }, `database ${kind}`);
      const message =
        kind === "read-only"
          ? "the database is read-only (this region's replica is not promoted); retry later"
          : "the database is unavailable; retry later";
      return reply
        .code(503)
        .header("retry-after", String(RETRY_AFTER_SECONDS))
        .send({ error: { code: kind === "read-only" ? "read_only" : "db_unavailable", message } });
    }
    // Fastify's own 4xx: malformed JSON, wrong content type, body too large...
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.code ?? "bad_request", message: err.message } });
    }
    request.log.error({ err }, "unexpected error");
    return reply.code(500).send({ error: { code: "internal", message: "internal error" } });
  });

  return app;
}
