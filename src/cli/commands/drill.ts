import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { dynamoDbDrillRecordPort, dynamoDbLockPort } from "../../functions/shared/aws-ports.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import { assertEmulator } from "../../local/emulator.js";
import type { CommandDefinition } from "../command.js";
import type { CommandContext } from "../context.js";
import { runAwsDrill } from "../drill/aws.js";
import { runLocalDrill } from "../drill/local.js";
import type { DrillOptions } from "../drill/options.js";
import { endDrillRecord } from "../drill/record.js";
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

export const drillCommand: CommandDefinition<DrillOptions> = {
  name: "drill",
  description:
    "game day: fail P for real (a drill record marks it a drill), time every milestone of the failover, write a report",
  configure: (cmd: Command) =>
    cmd
      .option("--local", "run against the local emulator, with the harness playing what it cannot do")
      .option("-y, --yes", "do not ask for confirmation")
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
    let report: Awaited<ReturnType<typeof runAwsDrill>>;
    try {
      report = options.local
        ? await runLocalDrill(ctx, config, options, lock, record)
        : await runAwsDrill(ctx, config, options, lock, record);
    } finally {
      await endDrillRecord(record, config, (message) => ctx.io.err(message));
    }
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
