import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { type LocalAnswer, resolveLocal, setAlarm } from "../../local/harness.js";
import { type AckedWrite, type LoadLoop, loadStats, startLoad, verifyLedger } from "../../local/load.js";
import { inRecovery, promoteServer, rebuildAsReplica, stopServer } from "../../local/pg-control.js";
import { appHealthy, type LocalStack, startApp, stopApp } from "../../local/stack.js";
import type { Expectation } from "../drill/report.js";
import type { SqlEndpoint } from "./sql.js";
import type { FailbackEnv, LocalPlays } from "./steps.js";

/** What `failback --local` plays on the stack `drill --local` left running. */
export function localPlays(clients: Clients, config: DeploymentConfig, stack: LocalStack): LocalPlays {
  return {
    stopPrimaryApp: () => stopApp(stack, "primary"),
    startPrimaryApp: async () => {
      await startApp(stack, "primary");
    },
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
    // RDS promotes once: a re-run after an interrupted run's promotion finds P's server promoted
    promotePrimary: async () => {
      if (await inRecovery(stack.creds, stack.db.primary)) await promoteServer(stack.creds, stack.db.primary);
    },
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

/** The app's database on each local server: the master user acts, the app's role is fenced and observed. */
export function localSql(stack: LocalStack): {
  primary(): Promise<SqlEndpoint>;
  backup(): Promise<SqlEndpoint>;
} {
  const at = (side: "primary" | "backup"): SqlEndpoint => ({
    host: stack.creds.host,
    port: stack.db[side].port,
    user: stack.master.user,
    password: stack.master.password,
    database: stack.database,
    ssl: false,
    app: stack.app,
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

/** The local mode's side of the failback env: the stack's databases, the local resolver, the plays. */
export function localFailbackEnv(
  clients: Clients,
  config: DeploymentConfig,
  stack: LocalStack,
): Pick<FailbackEnv, "sql" | "dns" | "local" | "primaryHealth"> {
  return {
    sql: localSql(stack),
    // the deep /health of P's app instance (the local ALB forwards to it)
    primaryHealth: () => appHealthy(stack.apps.primary),
    dns: localDns(clients, config, stack),
    local: localPlays(clients, config, stack),
  };
}

/** Users keep using "the DNS name" all along the failback: a write or a read every 100 ms. */
export function startLocalUsers(
  clients: Clients,
  config: DeploymentConfig,
  stack: LocalStack,
  stamp: string,
): LoadLoop {
  const dns = localDns(clients, config, stack);
  return startLoad(
    async () => {
      const a = await dns();
      return { side: a.app.side, url: a.app.url };
    },
    { tag: `failback-${stamp}` },
  );
}

/**
 * Every write acknowledged during the drill (its ledger in the stack's state) and the failback,
 * read back through the DNS name on P: the expectation, and the load's summary for the output.
 */
export async function verifyLocalWrites(
  clients: Clients,
  config: DeploymentConfig,
  stack: LocalStack,
  load: LoadLoop,
  log: (message: string) => void,
): Promise<{ expectation: Expectation; summary: unknown }> {
  const answer = await localDns(clients, config, stack)();
  const ledgerFile = join(stack.stateDir, "ledger.json");
  const drillLedger: AckedWrite[] = existsSync(ledgerFile)
    ? JSON.parse(readFileSync(ledgerFile, "utf8"))
    : [];
  const all = [...drillLedger, ...load.ledger];
  const check = await verifyLedger(answer.app.url, all);
  const stats = loadStats(load.records);
  const failures = Object.entries(stats.failures)
    .map(([k, v]) => `${v} x ${k}`)
    .join(", ");
  log(
    `load during failback: ${stats.requests} requests, ${stats.ok} ok, ${stats.failed} failed${failures ? ` (${failures})` : ""}`,
  );
  return {
    expectation: {
      name: "no acknowledged write lost (drill and failback)",
      ok: check.missing.length === 0 && all.length > 0,
      detail: `${all.length - check.missing.length}/${all.length} readable through the DNS name on P`,
    },
    summary: { during: stats, writesVerified: all.length, missing: check.missing.map((w) => String(w.id)) },
  };
}
