import type { Command } from "commander";
import { createReadinessClients, createReadinessPorts } from "../../functions/readiness/aws-ports.js";
import { type ReadinessReport, runReadiness } from "../../functions/readiness/run.js";
import type { CommandDefinition } from "../command.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { type Output, writeOutput } from "../output.js";

const MARK = { pass: "ok", warn: "WARN", fail: "FAIL" } as const;

/** The readiness report as printed: each check, its verdict, what was found and how to fix it. */
export function readinessOutput(report: ReadinessReport): Output {
  const failed = report.checks.filter((c) => c.verdict === "fail").length;
  const warned = report.checks.filter((c) => c.verdict === "warn").length;
  return {
    data: report,
    tables: [
      {
        head: ["check", "verdict", "detail", "fix"],
        rows: report.checks.map((c) => [c.name, MARK[c.verdict], c.detail, c.fix ?? ""]),
      },
    ],
    notes: [
      report.ready
        ? `ready: ${report.checks.length} checks, ${warned} warnings`
        : `NOT READY: ${failed} of ${report.checks.length} checks failed; fix them in the order shown`,
    ],
  };
}

export interface ReadinessOptions {
  arm: boolean;
}

export const readinessCommand: CommandDefinition<ReadinessOptions> = {
  name: "readiness",
  description:
    "run the DR readiness checks now (the same checks as the scheduled function) with how to fix each",
  configure: (cmd: Command) =>
    cmd.option("--no-arm", "do not set the armed marker even when P is seen healthy (the function sets it)"),
  async handler(ctx: CommandContext, options: ReadinessOptions) {
    const config = await ctx.config();
    ctx.io.err(`running ${config.deployment}'s readiness checks in ${config.backup.region}...`);
    const report = await runReadiness(
      createReadinessPorts(config, createReadinessClients(config, ctx.clients)),
      config,
      {
        arm: options.arm,
        by: "pilotlight readiness",
      },
    );
    writeOutput(ctx.io, ctx.format, readinessOutput(report));
    return report.ready ? ExitCode.ok : ExitCode.failed;
  },
};
