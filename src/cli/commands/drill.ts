import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { DeploymentConfig } from "../../core/config.js";
import { dynamoDbDrillRecordPort, dynamoDbLockPort } from "../../functions/shared/aws-ports.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import { assertEmulator } from "../../local/emulator.js";
import { loadStack } from "../../local/stack.js";
import type { CommandDefinition } from "../command.js";
import type { CommandContext } from "../context.js";
import { ACCEPT_OUTAGE, runAwsDrill } from "../drill/aws.js";
import { restorePrimaryApp, runLocalDrill } from "../drill/local.js";
import { drillOperationPort, drillProgress, endDrill } from "../drill/operation.js";
import type { DrillOptions } from "../drill/options.js";
import { regionLoss } from "../drill/region-loss.js";
import { renderMarkdown } from "../drill/report.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { writeOutput } from "../output.js";

/** The incident states in which a new drill would collide with an open failover. */
function refuseOpenIncident(record: LockRecord | undefined): void {
  if (record && ["pending-approval", "in-progress", "failed", "completed"].includes(record.state)) {
    throw new CliError(
      `incident ${record.incidentId} is ${record.state}: a drill needs a closed incident. Run \`pilotlight failback\` (or \`approve\`) first.`,
      ExitCode.failed,
    );
  }
}

/**
 * `drill --abort`: ends the open drill of the record, from any terminal, as the drill's own end
 * would. A local drill's P comes back through the local stack in `stateDir` (`--local`).
 */
async function abortDrill(
  ctx: CommandContext,
  config: DeploymentConfig,
  stateDir: string | undefined,
): Promise<ExitCode> {
  const port = drillOperationPort(ctx.clients, config);
  const stored = await port.read();
  if (!stored || stored.closedAt) {
    ctx.io.err(
      `no open drill of ${config.deployment}${stored ? ` (the last one ended ${stored.closedAt})` : ""}: nothing to abort`,
    );
    return ExitCode.ok;
  }
  const dynamoDb = ctx.clients.dynamoDb(config.backup.region);
  const { message } = await endDrill({
    clients: ctx.clients,
    config,
    lock: dynamoDbLockPort(dynamoDb, config.failover.lockTableName),
    drillRecord: dynamoDbDrillRecordPort(dynamoDb, config.failover.lockTableName, config.deployment),
    progress: drillProgress(port, stored),
    log: (m) => ctx.io.err(m),
    ...(stateDir === undefined ? {} : { restoreApp: () => restoreLocalStackApp(stateDir, config) }),
  });
  writeOutput(ctx.io, ctx.format, { data: { aborted: stored.key, message }, tables: [], notes: [message] });
  return ExitCode.ok;
}

async function restoreLocalStackApp(stateDir: string, config: DeploymentConfig): Promise<string> {
  const stack = loadStack(stateDir);
  if (!stack)
    throw new CliError(
      `no local stack recorded in ${stateDir}: pass the drill's --state-dir`,
      ExitCode.usage,
    );
  return restorePrimaryApp(stack, config);
}

export const drillCommand: CommandDefinition<DrillOptions> = {
  name: "drill",
  description:
    "game day: fail P for real (a drill record marks it a drill), time every milestone of the failover, write a report",
  configure: (cmd: Command) =>
    cmd
      .option("--local", "run against the local emulator, with the harness playing what it cannot do")
      .option("-y, --yes", "local: do not ask for confirmation (an AWS drill is not answered by --yes)")
      .option(
        ACCEPT_OUTAGE,
        "AWS: start the drill without a terminal, accepting its blast radius (a write outage up to the model's worst case, the writes B has not replayed, the replica rebuild of failback)",
      )
      .option(
        "--abort",
        "end a running or killed drill from its record in B: P's group (with --local: P's app in --state-dir) restored if no incident opened, else the failover has to finish",
      )
      .option(
        "--report-dir <dir>",
        "where to write report.md and report.json (default .pilotlight/drills/<time>)",
      )
      .option(
        "--timeout <seconds>",
        "give up waiting for the milestones after this long (default 120 local, 1200 AWS)",
      )
      .option("--state-dir <dir>", "local: where the local stack records its state", ".pilotlight/local")
      .option(
        "--handler <file>",
        "local: the failover function bundle to invoke",
        "dist/functions/failover/index.mjs",
      )
      .option(
        "--probe-handler <file>",
        "local: the probe function bundle, run every played minute when regions are lost",
        "dist/functions/probe/index.mjs",
      )
      .option(
        "--lose-region <region...>",
        "local: lose these regions (P, optionally with us-east-1): the fault proxy refuses every request of the programs to them, detection comes from B",
      )
      .option("--app <file>", "local: the app bundle the instances run", "dist/app/server.mjs")
      .option("--baseline <seconds>", "local: load before the failure", "3")
      .option("--after <seconds>", "local: load after DNS answers B", "3")
      .option(
        "--promotion-seconds <seconds>",
        "local: the emulator takes this long to promote B's replica (as RDS takes minutes), to see DNS answer B while the promotion runs",
      )
      .option(
        "--resolver <address...>",
        "AWS: recursive resolvers to measure DNS through, as users see it (default: the system resolver)",
      ),
  async handler(ctx: CommandContext, options: DrillOptions) {
    if (options.local) assertEmulator();
    else if (options.loseRegion)
      throw new CliError(
        "--lose-region needs --local: on AWS a drill cannot take a region away; it fails P by scaling P's group to 0",
        ExitCode.usage,
      );
    const config = await ctx.config();
    if (options.abort) return abortDrill(ctx, config, options.local ? options.stateDir : undefined);
    // a usage error before any look at the deployment's state (an open incident is refused below)
    if (options.loseRegion?.length) regionLoss(config, options.loseRegion);
    if (options.promotionSeconds !== undefined) {
      if (!options.local) throw new CliError("--promotion-seconds needs --local", ExitCode.usage);
      const s = Number(options.promotionSeconds);
      if (!Number.isFinite(s) || s < 0)
        throw new CliError(
          `--promotion-seconds must be a number of seconds >= 0, got ${options.promotionSeconds}`,
          ExitCode.usage,
        );
    }
    const dynamoDb = ctx.clients.dynamoDb(config.backup.region);
    const lock = dynamoDbLockPort(dynamoDb, config.failover.lockTableName);
    refuseOpenIncident(await lock.read(config.deployment));
    // the drill record tells the failover's guard that P is failed on purpose: each path
    // writes it just before it fails P; it goes when the drill ends, whatever the outcome
    const record = dynamoDbDrillRecordPort(dynamoDb, config.failover.lockTableName, config.deployment);
    // both drills end themselves from their progress record (drill/operation.ts), on every path
    const report = options.local
      ? await runLocalDrill(ctx, config, options, lock, record)
      : await runAwsDrill(ctx, config, options, lock, record);
    const dir =
      options.reportDir ?? join(".pilotlight", "drills", report.failureInjectedAt.replace(/[:.]/g, "-"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, "report.md"), renderMarkdown(report));
    ctx.io.err(`report: ${join(dir, "report.md")} and report.json`);
    writeOutput(ctx.io, ctx.format, {
      data: report,
      tables: [
        {
          title: `drill ${report.subject.deployment} (${report.mode}): recovery ${report.recoverySeconds?.toFixed(1) ?? "not reached"} s; model typical ${report.model.cases.typical.total} s, worst ${report.model.cases.worst.total} s`,
          head: ["milestone", "since failure", "observed by"],
          rows: report.milestones.map((m) => [
            m.name,
            m.sinceFailureMs === undefined ? "not reached" : `${(m.sinceFailureMs / 1000).toFixed(1)}s`,
            m.source,
          ]),
        },
        {
          head: ["", "expectation", "detail"],
          rows: report.expectations.map((e) => [e.ok ? "ok" : "FAIL", e.name, e.detail]),
        },
      ],
      notes: [report.passed ? "all expectations met" : "UNMET EXPECTATIONS: see above and the report"],
    });
    return report.passed ? ExitCode.ok : ExitCode.failed;
  },
};
