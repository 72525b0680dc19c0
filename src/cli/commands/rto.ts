import type { Command } from "commander";
import {
  CASES,
  explainOverTarget,
  MULTI_AZ_FAILOVER_SECONDS,
  type RtoModel,
  rtoInputsFromConfig,
  rtoModel,
} from "../../core/rto.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { type Output, writeOutput } from "../output.js";
import type { CommandDefinition } from "../program.js";

export interface RtoOptions {
  interval?: string;
  failureThreshold?: string;
  alarmPeriods?: string;
  warmPool?: string;
}

const TERMS = ["detect", "decide", "promote", "capacity", "dns", "total"] as const;

const EXPLAIN: Record<(typeof TERMS)[number], string> = {
  detect: "interval x failure threshold (+ phase) + alarm periods x 60 s + metric delay",
  decide: "the failover function",
  promote: "RDS promotion of the replica (overlaps capacity)",
  capacity: "instance launch (or warm pool) + app start + healthy threshold x interval",
  dns: "record TTL + resolver caching",
  total: "detect + decide + max(promote, capacity) + dns",
};

/** The model as printed: one row per term, the cases and the physical floor as columns. */
export function rtoOutput(model: RtoModel): Output {
  const rows = TERMS.map((t) => [
    t,
    ...CASES.map((c) => `${Math.round(model.cases[c][t])}s`),
    `${Math.round(model.floor[t])}s`,
    EXPLAIN[t],
  ]);
  const notes = [
    `target ${model.targetSeconds}s: worst case ${model.cases.worst.total}s is ${model.withinTarget ? "within" : "OVER"} target`,
    `detection window ${model.detectionWindowSeconds}s ${
      model.detectionWindowSeconds > MULTI_AZ_FAILOVER_SECONDS ? ">" : "<="
    } ${MULTI_AZ_FAILOVER_SECONDS}s in-region Multi-AZ failover${
      model.detectionWindowSeconds > MULTI_AZ_FAILOVER_SECONDS
        ? ""
        : ": an in-region blip can trigger a cross-region failover"
    }`,
    "floor: the fastest detection Route 53 allows (10 s interval, threshold 1, one alarm period) with best-case terms",
  ];
  return {
    data: model,
    tables: [{ head: ["term", "best", "typical", "worst", "floor", "made of"], rows }],
    notes,
  };
}

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`--${name} must be a whole number, got ${value}`, ExitCode.usage);
  return n;
}

export const rtoCommand: CommandDefinition<RtoOptions> = {
  name: "rto",
  description:
    "the recovery-time model (best, typical, worst, physical floor) for the deployed or given settings",
  configure: (cmd: Command) =>
    cmd
      .option("--interval <seconds>", "what if: health check interval (10 or 30)")
      .option("--failure-threshold <n>", "what if: health check failure threshold (1..10)")
      .option("--alarm-periods <n>", "what if: alarm evaluation periods")
      .option("--warm-pool <n>", "what if: warm pool size in B"),
  async handler(ctx: CommandContext, options: RtoOptions) {
    const inputs = rtoInputsFromConfig(await ctx.config());
    const interval = int(options.interval, "interval");
    if (interval !== undefined) {
      if (interval !== 10 && interval !== 30)
        throw new CliError("--interval must be 10 or 30 (Route 53 allows no other)", ExitCode.usage);
      inputs.healthCheckIntervalSeconds = interval;
    }
    inputs.healthCheckFailureThreshold =
      int(options.failureThreshold, "failure-threshold") ?? inputs.healthCheckFailureThreshold;
    inputs.alarmEvaluationPeriods =
      int(options.alarmPeriods, "alarm-periods") ?? inputs.alarmEvaluationPeriods;
    inputs.warmPoolSize = int(options.warmPool, "warm-pool") ?? inputs.warmPoolSize;
    const model = rtoModel(inputs);
    writeOutput(ctx.io, ctx.format, rtoOutput(model));
    if (!model.withinTarget) {
      ctx.io.err(`error: ${explainOverTarget(model)}`);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  },
};
