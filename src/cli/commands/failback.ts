import type { Command } from "commander";
import { beginOperation, isStepFinal } from "../../functions/shared/operation-record.js";
import { assertEmulator } from "../../local/emulator.js";
import { type LocalStack, loadStack } from "../../local/stack.js";
import type { CommandDefinition } from "../command.js";
import { ACCEPT_DATA_LOSS, operatorName } from "../confirm.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { awsFailbackEnv } from "../failback/aws.js";
import { failbackExpectations } from "../failback/expectations.js";
import { localFailbackEnv, startLocalUsers, verifyLocalWrites } from "../failback/local.js";
import { failbackNames, failbackPlan, type PlanStep, stampOf } from "../failback/plan.js";
import { preflight } from "../failback/preflight.js";
import { FAILBACK_OPERATION, FailbackProgress, failbackRecordPort } from "../failback/record.js";
import * as sqlOps from "../failback/sql.js";
import { type FailbackEnv, runFailbackSteps } from "../failback/steps.js";
import { progress } from "../io.js";
import { writeOutput } from "../output.js";

export interface FailbackOptions {
  yes?: boolean;
  acceptDataLoss?: boolean;
  dryRun?: boolean;
  local?: boolean;
  stateDir: string;
  timeout?: string;
  primaryDbHost?: string;
  backupDbHost?: string;
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
      .option(
        ACCEPT_DATA_LOSS,
        "answer the rename of a standalone P without a terminal (--yes does not): writes it took since the incident leave the serving side",
      )
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
    const timeout = Number(options.timeout ?? (options.local ? 120 : 3600));
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new CliError(
        `--timeout ${options.timeout}: expected a number of seconds above 0`,
        ExitCode.usage,
      );
    }
    const config = await ctx.config();
    const clients = ctx.clients;
    const started = Date.now();
    const log = progress(ctx.io, started);
    const { checks, incident, stored, found } = await preflight(clients, config);
    // a resume keeps the interrupted run's stamp, so its snapshot and kept instances are found again;
    // a new run replaces an earlier incident's record at its version (the write is conditional on it)
    const { record, resumed } = beginOperation(
      stored ?? found,
      config.deployment,
      FAILBACK_OPERATION,
      incident,
      operatorName(),
      stampOf(new Date()),
      Date.now(),
    );
    const stamp = record.stamp;
    const names = failbackNames(config, stamp);
    const plan = failbackPlan(config, stamp);
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
    if (resumed) {
      const done = plan.filter((s) => isStepFinal(record, s.id)).length;
      log(
        `resuming the failback of ${record.startedAt} (stamp ${stamp}): ${done} of ${plan.length} steps recorded done; continuing after them`,
      );
    }

    const P = config.primary;
    const B = config.backup;
    const env: FailbackEnv = {
      io: ctx.io,
      log,
      clients,
      config,
      plan,
      progress: new FailbackProgress(failbackRecordPort(clients, config), record),
      yes: options.yes ?? false,
      acceptDataLoss: options.acceptDataLoss ?? false,
      timeoutMs: timeout * 1000,
      intervalMs: stack ? 200 : 10_000,
      sqlOps,
      ...(stack
        ? localFailbackEnv(clients, config, stack)
        : awsFailbackEnv(clients, config, {
            ...(options.primaryDbHost ? { primary: options.primaryDbHost } : {}),
            ...(options.backupDbHost ? { backup: options.backupDbHost } : {}),
          })),
    };

    const users = stack ? startLocalUsers(clients, config, stack, stamp) : undefined;
    let results: Awaited<ReturnType<typeof runFailbackSteps>>;
    try {
      results = await runFailbackSteps(env);
    } finally {
      await users?.stop();
    }

    const answer = await env.dns();
    const expectations = await failbackExpectations(clients, config, answer);
    let loadSummary: unknown;
    if (stack && users) {
      const written = await verifyLocalWrites(clients, config, stack, users, log);
      expectations.push(written.expectation);
      loadSummary = written.summary;
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
