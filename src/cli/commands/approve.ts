import type { Command } from "commander";
import { guardVerdict } from "../../functions/failover/guard.js";
import { type FailoverResult, runFailover } from "../../functions/failover/sequence.js";
import { gatherSignals } from "../../functions/failover/signals.js";
import { createFailoverClients, createFailoverPorts } from "../../functions/shared/aws-ports.js";
import { FailoverStepError, IncidentBusyError } from "../../functions/shared/errors.js";
import { type LockRecord, leaseLive, type Timeline } from "../../functions/shared/lock-record.js";
import type { CommandDefinition } from "../command.js";
import { ACCEPT_DATA_LOSS, confirmConsequence, confirmStep, operatorName } from "../confirm.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { type Output, writeOutput } from "../output.js";

export interface ApproveOptions {
  yes?: boolean;
  force?: boolean;
  /** Answers `--force`'s question (a failover no guard confirmed loses writes and moves production). */
  acceptDataLoss?: boolean;
}

/** The timeline of a failover record as a table (shared with drill reports). */
export function timelineRows(timeline: Timeline | undefined): string[][] {
  return Object.entries(timeline ?? {}).map(([step, e]) => [
    step,
    e?.outcome ?? "",
    e?.msSinceAlarm === undefined ? "" : `${e.msSinceAlarm} ms`,
    e?.detail ?? "",
  ]);
}

function approveOutput(result: FailoverResult): Output {
  const record = "record" in result ? result.record : undefined;
  return {
    data: result,
    tables: [
      {
        head: ["", ""],
        rows: [
          ["outcome", result.outcome],
          ["incident", "incidentId" in result ? result.incidentId : ""],
          ["reason", "reason" in result ? result.reason : ""],
          [
            "RPO estimate",
            record?.rpoEstimateSeconds === undefined
              ? "no replica lag published"
              : `${record.rpoEstimateSeconds}s`,
          ],
        ],
      },
      ...(record?.timeline
        ? [{ head: ["step", "outcome", "since alarm", "detail"], rows: timelineRows(record.timeline) }]
        : []),
    ],
    notes:
      result.outcome === "pending"
        ? [
            "Actions issued; the steps marked pending are under way. Re-run `pilotlight approve` (or wait for the next scheduled run) to confirm their effect; follow with `pilotlight status`.",
          ]
        : [],
  };
}

/** What approving does to the record's state, in words, for the confirmation question. */
function describe(record: LockRecord | undefined, force: boolean, now: number): string {
  switch (record?.state) {
    case "pending-approval":
      return `incident ${record.incidentId} awaits approval`;
    case "failed":
      return `incident ${record.incidentId} failed (${record.error ?? "see status"}); its unfinished steps resume`;
    case "in-progress":
      if (leaseLive(record, now))
        throw new CliError(
          `incident ${record.incidentId} is in progress under a live lease until ${record.leaseUntil}: another invocation is working on it. Re-run after that time to take it over if it has not finished; see \`pilotlight status\`.`,
          ExitCode.failed,
        );
      return record.leaseUntil
        ? `incident ${record.incidentId} is in progress but its lease expired at ${record.leaseUntil} (its invocation timed out or stopped); its unfinished steps resume`
        : `incident ${record.incidentId} is in progress with steps under way (pending); they are looked at again and finished`;
    case "armed":
      return force
        ? "no incident: one opens WITHOUT confirming P is down (--force)"
        : "no incident: one opens if Route 53 confirms P is down";
    default:
      throw new CliError(
        record?.state === "completed"
          ? `incident ${record.incidentId} is ${record.state}: nothing to approve. See \`pilotlight status\`.`
          : "the deployment is not armed (P has not been seen healthy since deployment or the last failback): run `pilotlight readiness` to arm it when P is healthy.",
        ExitCode.failed,
      );
  }
}

export const approveCommand: CommandDefinition<ApproveOptions> = {
  name: "approve",
  description:
    "approval mode: execute the failover sequence for a pending incident (the function's own code path)",
  configure: (cmd: Command) =>
    cmd
      .option("-y, --yes", "do not ask for confirmation")
      .option(
        "--force",
        "fail over without the guard confirming P is down (with no incident open, or over a pending one)",
      )
      .option(
        ACCEPT_DATA_LOSS,
        "answer --force's question without a terminal: the writes B has not replayed are lost and production moves to B",
      ),
  async handler(ctx: CommandContext, options: ApproveOptions) {
    const config = await ctx.config();
    const ports = createFailoverPorts(config, createFailoverClients(config, ctx.clients));
    const record = await ports.lock.read(config.deployment);
    const what = describe(record, options.force ?? false, ports.clock.now());
    const question = `${what}. Fail ${config.deployment} over to ${config.backup.region} (promote ${config.backup.db.instanceId}, scale ${config.backup.asg.name}, write the latch object s3://${config.dns.latch.bucket}/${config.dns.latch.key})?`;
    if (options.force) {
      await confirmConsequence(
        ctx.io,
        config.deployment,
        `${question} --force: no guard confirms P is down; writes B has not replayed are lost and production moves to ${config.backup.region}.`,
        { flag: ACCEPT_DATA_LOSS, given: options.acceptDataLoss ?? false },
      );
    } else {
      if (record?.state === "pending-approval") {
        // the incident opened a while ago: P may be back (or a drill over) since; ask the guard again
        const now = ports.clock.now();
        const verdict = guardVerdict(
          await gatherSignals(ports, config, now),
          {
            holdMaxSeconds: config.failover.holdMaxSeconds,
            alarmTime: record.trigger?.alarmTime ?? new Date(now).toISOString(),
          },
          now,
        );
        if (!verdict.proceed)
          throw new CliError(
            `the guard no longer confirms P is down (${verdict.code}: ${verdict.reason}); incident ${record.incidentId} stays pending and nothing was changed. Re-run when P is down, or pass --force (and ${ACCEPT_DATA_LOSS} or the deployment's name typed) to fail over anyway.`,
            ExitCode.failed,
          );
        ctx.io.err(`the guard confirms P is down again: ${verdict.reason}`);
      }
      await confirmStep(ctx.io, options.yes ?? false, question);
    }
    const by = operatorName();
    let result: FailoverResult;
    try {
      result = await runFailover(
        ports,
        config,
        { source: "operator", alarmTime: record?.trigger?.alarmTime ?? new Date().toISOString(), by },
        { skipHealthConfirmation: options.force ?? false },
      );
    } catch (err) {
      if (err instanceof IncidentBusyError) {
        throw new CliError(
          `${err.message}. Re-run \`pilotlight approve\` after ${err.leaseUntil ?? "the lease"} if it has not finished.`,
          ExitCode.failed,
          { cause: err },
        );
      }
      if (err instanceof FailoverStepError) {
        throw new CliError(
          `${err.message}\nRe-run \`pilotlight approve\` to resume the unfinished steps.`,
          ExitCode.failed,
          { cause: err },
        );
      }
      throw err;
    }
    writeOutput(ctx.io, ctx.format, approveOutput(result));
    return result.outcome === "completed" || result.outcome === "pending" ? ExitCode.ok : ExitCode.failed;
  },
};
