import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { Clients } from "../../aws/clients.js";
import { resolveDnsName } from "../../aws/dns.js";
import type { DeploymentConfig } from "../../core/config.js";
import { databasePortFor, dynamoDbLockPort, latchPortFor } from "../../functions/shared/aws-ports.js";
import type { DatabaseState } from "../../functions/shared/ports.js";
import { assertEmulator } from "../../local/emulator.js";
import { type AckedWrite, loadStats, startLoad, verifyLedger } from "../../local/load.js";
import { type LocalStack, loadStack } from "../../local/stack.js";
import type { CommandDefinition } from "../command.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { awsSql } from "../failback/aws.js";
import { localDns, localPlays, localSql } from "../failback/local.js";
import { failbackNames, failbackPlan, type PlanStep, stampOf } from "../failback/plan.js";
import * as sqlOps from "../failback/sql.js";
import { type FailbackEnv, runFailbackSteps } from "../failback/steps.js";
import { progress } from "../io.js";
import { writeOutput } from "../output.js";

export interface FailbackOptions {
  yes?: boolean;
  dryRun?: boolean;
  local?: boolean;
  stateDir: string;
  timeout?: string;
  primaryDbHost?: string;
  backupDbHost?: string;
}

/** Refuses to start unless there is a completed failover to come back from and P answers. */
async function preflight(clients: Clients, config: DeploymentConfig): Promise<string[]> {
  const lock = dynamoDbLockPort(clients.dynamoDb(config.backup.region), config.failover.lockTableName);
  const record = await lock.read(config.deployment);
  if (record?.state !== "completed") {
    throw new CliError(
      record?.state === "in-progress" || record?.state === "failed" || record?.state === "pending-approval"
        ? `incident ${record.incidentId} is ${record.state}: finish the failover first (pilotlight approve, or wait), then fail back.`
        : `no completed failover to fail back from (lock record: ${record?.state ?? "none"}). See pilotlight status.`,
      ExitCode.failed,
    );
  }
  const backupDb = await databasePortFor(clients, config.backup.region).describe(config.backup.db.instanceId);
  if (!backupDb || backupDb.sourceId) {
    throw new CliError(
      `${config.backup.db.instanceId} is ${backupDb ? "still a replica" : "missing"}: the promotion has not finished. Wait, and follow it with pilotlight status.`,
      ExitCode.failed,
    );
  }
  let primaryDb: DatabaseState | undefined;
  try {
    primaryDb = await databasePortFor(clients, config.primary.region).describe(config.primary.db.instanceId);
  } catch (err) {
    throw new CliError(
      `the primary region ${config.primary.region} does not answer (${(err as Error).name}): failback needs P healthy. Retry when it answers (pilotlight status shows it).`,
      ExitCode.primaryUnknown,
      { cause: err },
    );
  }
  return [
    `incident ${record.incidentId} completed at ${record.completedAt}`,
    `${config.backup.db.instanceId} in ${config.backup.region}: standalone, ${backupDb.status}`,
    `${config.primary.db.instanceId} in ${config.primary.region}: ${primaryDb ? `${primaryDb.status}${primaryDb.sourceId ? `, replica of ${primaryDb.sourceId}` : ", standalone (the old primary)"}` : "missing"}`,
  ];
}

function planOutput(plan: PlanStep[], checks: string[], local: boolean) {
  return {
    data: { checks, plan },
    tables: [
      {
        title: "failback plan (never automatic: destructive steps ask first)",
        head: ["#", "step", "asks", "does", ...(local ? ["played locally"] : [])],
        rows: plan.map((s, i) => [
          String(i + 1),
          s.title,
          s.destructive ? "yes" : "no",
          s.actions.join("; "),
          ...(local ? [s.local ?? "-"] : []),
        ]),
      },
    ],
    notes: checks.map((c) => `check: ${c}`),
  };
}

export const failbackCommand: CommandDefinition<FailbackOptions> = {
  name: "failback",
  description:
    "guided return to the primary region after a failover: checks, plan, then each step with confirmation",
  configure: (cmd: Command) =>
    cmd
      .option("-y, --yes", "confirm every destructive step (data safety is checked, never confirmed)")
      .option("--dry-run", "print the checks and the plan, change nothing")
      .option("--local", "against the local emulator and the local stack `drill --local` left running")
      .option("--state-dir <dir>", "local: the local stack's state", ".pilotlight/local")
      .option("--timeout <seconds>", "give up waiting on one step after this long (default 3600; local 120)")
      .option(
        "--primary-db-host <host[:port]>",
        "reach P's database through this tunnel (e.g. SSM port forwarding); default: its RDS endpoint",
      )
      .option(
        "--backup-db-host <host[:port]>",
        "reach B's database through this tunnel; default: its RDS endpoint",
      ),
  async handler(ctx: CommandContext, options: FailbackOptions) {
    if (options.local) assertEmulator();
    const config = await ctx.config();
    const clients = ctx.clients;
    const started = Date.now();
    const log = progress(ctx.io, started);
    const stamp = stampOf(new Date());
    const names = failbackNames(config, stamp);
    const plan = failbackPlan(config, stamp);
    const checks = await preflight(clients, config);
    let stack: LocalStack | undefined;
    if (options.local) {
      stack = loadStack(options.stateDir);
      if (!stack)
        throw new CliError(
          `no local stack in ${options.stateDir}: run pilotlight drill --local first.`,
          ExitCode.failed,
        );
    }
    if (options.dryRun) {
      writeOutput(ctx.io, ctx.format, planOutput(plan, checks, options.local ?? false));
      return ExitCode.ok;
    }
    ctx.io.err(
      planOutput(plan, checks, options.local ?? false)
        .tables.map((t) => `${t.title}\n${t.rows.map((r) => `  ${r[0]}. ${r[1]}: ${r[3]}`).join("\n")}`)
        .join("\n"),
    );
    for (const c of checks) log(`check: ${c}`);

    const timeout = Number(options.timeout ?? (options.local ? 120 : 3600));
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new CliError(
        `--timeout ${options.timeout}: expected a number of seconds above 0`,
        ExitCode.usage,
      );
    }
    const P = config.primary;
    const B = config.backup;
    const local = stack;
    const env: FailbackEnv = {
      io: ctx.io,
      log,
      clients,
      config,
      plan,
      stamp,
      yes: options.yes ?? false,
      timeoutMs: timeout * 1000,
      intervalMs: local ? 200 : 10_000,
      sqlOps,
      ...(local
        ? {
            sql: localSql(local),
            dns: localDns(clients, config, local),
            local: localPlays(clients, config, local),
          }
        : {
            sql: awsSql(clients, config, {
              ...(options.primaryDbHost ? { primary: options.primaryDbHost } : {}),
              ...(options.backupDbHost ? { backup: options.backupDbHost } : {}),
            }),
            dns: () => resolveDnsName(clients, config, () => latchPortFor(clients, config).read()),
          }),
    };

    // local: users keep using "the DNS name" all along; every acknowledged write must survive
    const load = local
      ? startLoad(
          async () => {
            const a = await localDns(clients, config, local)();
            return { side: a.app.side, url: a.app.url };
          },
          { tag: `failback-${stamp}` },
        )
      : undefined;
    let results: Awaited<ReturnType<typeof runFailbackSteps>>;
    try {
      results = await runFailbackSteps(env);
    } finally {
      await load?.stop();
    }

    const expectations: { name: string; ok: boolean; detail: string }[] = [];
    const localAnswer = local ? await localDns(clients, config, local)() : undefined;
    const dns =
      localAnswer ?? (await resolveDnsName(clients, config, () => latchPortFor(clients, config).read()));
    expectations.push({
      name: "DNS answers P",
      ok: dns.role === "PRIMARY",
      detail: `${dns.role} ${dns.target} (${dns.reason})`,
    });
    const pDb = await databasePortFor(clients, P.region).describe(P.db.instanceId);
    const bDb = await databasePortFor(clients, B.region).describe(B.db.instanceId);
    expectations.push({
      name: `${P.db.instanceId} is the standalone primary`,
      ok: !!pDb && !pDb.sourceId,
      detail: `${pDb?.status}`,
    });
    expectations.push({
      name: `${B.db.instanceId} replicates from P again`,
      ok: !!bDb?.sourceId,
      detail: `source ${bDb?.sourceId ?? "none"}`,
    });
    let loadSummary: unknown;
    if (local && load && localAnswer) {
      const ledgerFile = join(local.stateDir, "ledger.json");
      const drillLedger: AckedWrite[] = existsSync(ledgerFile)
        ? JSON.parse(readFileSync(ledgerFile, "utf8"))
        : [];
      const all = [...drillLedger, ...load.ledger];
      const check = await verifyLedger(localAnswer.app.url, all);
      const stats = loadStats(load.records);
      loadSummary = {
        during: stats,
        writesVerified: all.length,
        missing: check.missing.map((w) => String(w.id)),
      };
      expectations.push({
        name: "no acknowledged write lost (drill and failback)",
        ok: check.missing.length === 0 && all.length > 0,
        detail: `${all.length - check.missing.length}/${all.length} readable through the DNS name on P`,
      });
      const failures = Object.entries(stats.failures)
        .map(([k, v]) => `${v} x ${k}`)
        .join(", ");
      log(
        `load during failback: ${stats.requests} requests, ${stats.ok} ok, ${stats.failed} failed${failures ? ` (${failures})` : ""}`,
      );
    }
    for (const e of expectations) log(`${e.ok ? "ok  " : "FAIL"} ${e.name}: ${e.detail}`);
    const passed = expectations.every((e) => e.ok);
    writeOutput(ctx.io, ctx.format, {
      data: {
        checks,
        steps: results,
        expectations,
        load: loadSummary,
        passed,
        kept: {
          snapshot: { region: P.region, id: names.snapshot },
          instances: [
            { region: P.region, id: names.fencedPrimary },
            { region: B.region, id: names.retiredBackup },
          ],
        },
      },
      tables: [
        {
          title: `failback of ${config.deployment}`,
          head: ["step", "outcome", "seconds", "detail"],
          rows: results.map((r) => [r.title, r.outcome, r.seconds.toFixed(1), r.detail]),
        },
        {
          head: ["", "expectation", "detail"],
          rows: expectations.map((e) => [e.ok ? "ok" : "FAIL", e.name, e.detail]),
        },
      ],
      notes: [
        passed ? "P serves again; B is a pilot light again." : "UNMET EXPECTATIONS: see above",
        `kept for reconciliation: snapshot ${names.snapshot}, instances ${names.fencedPrimary} and ${names.retiredBackup}; delete them once reconciled`,
        `Terraform: both DB instances were replaced (its state names them by resource id): terraform state rm, then terraform import <module>.module.database.aws_db_instance.this ${P.db.instanceId} and <module>.module.database_replica.aws_db_instance.replica ${B.db.instanceId}`,
      ],
    });
    return passed ? ExitCode.ok : ExitCode.failed;
  },
};
