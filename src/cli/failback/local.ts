import { cpSync } from "node:fs";
import { join } from "node:path";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { type LocalAnswer, resolveLocal, setAlarm } from "../../local/harness.js";
import { inRecovery, promoteServer, rebuildAsReplica, stopServer } from "../../local/pg-control.js";
import { appHealthy, type LocalStack, startApp, stopApp } from "../../local/stack.js";
import type { SqlEndpoint } from "./sql.js";
import type { LocalPlays } from "./steps.js";

/** What `failback --local` plays on the stack `drill --local` left running. */
export function localPlays(clients: Clients, config: DeploymentConfig, stack: LocalStack): LocalPlays {
  return {
    stopPrimaryApp: () => stopApp(stack, "primary"),
    startPrimaryApp: async () => {
      await startApp(stack, "primary");
    },
    primaryAppHealthy: () => appHealthy(stack.apps.primary),
    snapshotOldPrimary: async (name) => {
      await stopServer(stack.db.primary);
      const copy = join(stack.stateDir, "snapshots", name);
      cpSync(stack.db.primary.dataDir, copy, { recursive: true });
      return copy;
    },
    rebuildPrimaryAsReplica: async () => {
      if (await inRecovery(stack.creds, stack.db.primary).catch(() => false)) return false;
      await rebuildAsReplica(stack.creds, stack.db.primary, stack.db.backup);
      return true;
    },
    promotePrimary: () => promoteServer(stack.creds, stack.db.primary),
    rebuildBackupAsReplica: () => rebuildAsReplica(stack.creds, stack.db.backup, stack.db.primary),
    alarmOk: async () => {
      await setAlarm(
        clients.forLocalHarness(),
        config,
        "P healthy again after failback (played by the harness)",
        "OK",
      );
    },
  };
}

/** The app's database on each local server, as the app's sessions see it. */
export function localSql(stack: LocalStack): {
  primary(): Promise<SqlEndpoint>;
  backup(): Promise<SqlEndpoint>;
} {
  const at = (side: "primary" | "backup"): SqlEndpoint => ({
    host: stack.creds.host,
    port: stack.db[side].port,
    user: stack.creds.user,
    password: stack.creds.password,
    database: stack.database,
    ssl: false,
  });
  return { primary: async () => at("primary"), backup: async () => at("backup") };
}

/** The local resolver's answer (Route 53's failover rule over the emulator's records and the apps' health). */
export function localDns(
  clients: Clients,
  config: DeploymentConfig,
  stack: LocalStack,
): () => Promise<LocalAnswer> {
  // the harness plays Route 53's resolver: its calls are recorded apart, outside the IAM contract
  return () => resolveLocal(clients.forLocalHarness(), config, stack);
}
