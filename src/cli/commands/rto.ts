import type { Command } from "commander";
import {
  CASES,
  explainOverTarget,
  MULTI_AZ_FAILOVER_SECONDS,
  type RtoModel,
  rtoInputsFromConfig,
  rtoModel,
  SCENARIOS,
} from "../../core/rto.js";
import type { CommandDefinition } from "../command.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { type Output, writeOutput } from "../output.js";

export interface RtoOptions {
  interval?: string;
  failureThreshold?: string;
  alarmPeriods?: string;
  warmPool?: string;
  probePeriods?: string;
}

const TERMS = ["detect", "decide", "promote", "capacity", "dns", "total"] as const;

const EXPLAIN: Record<(typeof TERMS)[number], string> = {
  detect: "the earliest trigger",
  decide: "the failover function, with its best-effort calls' timeouts when a region does not answer",
  promote: "RDS promotion of the replica (overlaps capacity)",
  capacity: "instance launch (or warm pool) + app start + healthy threshold x interval",
  dns: "record TTL + resolver caching",
  total: "detect + decide + max(promote, capacity) + dns",
};

const TRIGGERS = {
  route53:
    "trigger: us-east-1 alarm: interval x failure threshold (+ phase) + alarm periods x 60 s + metric delay",
  probe:
    "trigger: probe alarm in B: schedule phase + probe timeout + probe alarm periods x 60 s + metric delay",
} as const;

const seconds = (n: number | null) => (n === null ? "-" : `${Math.round(n)}s`);

/** The model as printed: one table per scenario, one row per term, the cases (and the floor) as columns. */
export function rtoOutput(model: RtoModel): Output {
  const tables = SCENARIOS.map((scenario) => {
    const { cases, withinTarget } = model.scenarios[scenario];
    // the floor is the fastest detection of all, which only P's loss alone allows
    const floor = scenario === "primary-lost" ? [model.floor] : [];
    const rows = [
      ...(["route53", "probe"] as const).map((k) => [
        `trigger ${k}`,
        ...[...CASES.map((c) => cases[c]), ...floor].map((t) => seconds(t.triggers[k])),
        scenario === "primary-lost" || k === "probe" ? TRIGGERS[k] : "gone with us-east-1",
      ]),
      ...TERMS.map((t) => [
        t,
        ...[...CASES.map((c) => cases[c]), ...floor].map((terms) => seconds(terms[t])),
        EXPLAIN[t],
      ]),
    ];
    return {
      title: `scenario ${scenario}: worst case ${cases.worst.total}s is ${withinTarget ? "within" : "OVER"} the target ${model.targetSeconds}s`,
      head: ["term", ...CASES, ...(floor.length ? ["floor"] : []), "made of"],
      rows,
    };
  });
  const notes = [
    `detection window ${model.detectionWindowSeconds}s ${
      model.detectionWindowSeconds > MULTI_AZ_FAILOVER_SECONDS ? ">" : "<="
    } ${MULTI_AZ_FAILOVER_SECONDS}s in-region Multi-AZ failover${
      model.detectionWindowSeconds > MULTI_AZ_FAILOVER_SECONDS
        ? ""
        : ": an in-region blip can trigger a cross-region failover"
    }`,
    "primary-and-us-east-1-lost is also the scenario of P = us-east-1 lost",
    "floor: the fastest detection allowed (10 s interval, threshold 1, one alarm period; the probe alarm at one period) with best-case terms",
  ];
  return { data: model, tables, notes };
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
    "the recovery-time model per scenario (P lost; P and us-east-1 lost): best, typical, worst, physical floor, for the deployed or given settings",
  configure: (cmd: Command) =>
    cmd
      .option("--interval <seconds>", "what if: health check interval (10 or 30)")
      .option("--failure-threshold <n>", "what if: health check failure threshold (1..10)")
      .option("--alarm-periods <n>", "what if: alarm evaluation periods")
      .option("--warm-pool <n>", "what if: warm pool size in B")
      .option("--probe-periods <n>", "what if: probe alarm evaluation periods"),
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
    inputs.probeAlarmEvaluationPeriods =
      int(options.probePeriods, "probe-periods") ?? inputs.probeAlarmEvaluationPeriods;
    const model = rtoModel(inputs);
    writeOutput(ctx.io, ctx.format, rtoOutput(model));
    if (!model.withinTarget) {
      ctx.io.err(`error: ${explainOverTarget(model)}`);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  },
};
