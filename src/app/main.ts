import { startApp } from "./app.js";
import { type AppConfig, ConfigError, loadConfig } from "./config.js";

// The instance entry point (dist/app/server.mjs under systemd). Exit codes: 2 bad configuration,
// 1 could not start; systemd restarts on failure.

let config: AppConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`pilotlight-app: ${err.message}`);
  process.exit(2);
}

// SIGTERM (systemctl stop, instance termination) drains; systemd's TimeoutStopSec bounds it.
const DRAIN_LIMIT_MS = 25_000;

try {
  const app = await startApp(config, { logger: true });
  console.error(`pilotlight-app: listening on ${app.url} (${config.region}, ${config.regionRole})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`pilotlight-app: ${signal}: draining`);
    setTimeout(() => {
      console.error(`pilotlight-app: drain took over ${DRAIN_LIMIT_MS} ms; exiting`);
      process.exit(1);
    }, DRAIN_LIMIT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        console.error("pilotlight-app: error while draining", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
} catch (err) {
  console.error(`pilotlight-app: cannot start: ${(err as Error).message}`);
  process.exit(1);
}
