import type { Command } from "commander";
import { PROBE_CADENCES } from "../../core/config.js";
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
  probeCadence?: string;
  probeFailures?: string;
  hold?: string;
}

const TERMS = ["detect", "hold", "decide", "promote", "capacity", "dns", "total"] as const;

const EXPLAIN: Record<(typeof TERMS)[number], string> = {
  detect: "the earliest trigger the scenario leaves (held: the earliest alarm)",
  hold: "held in-region recovery only: hold max + a re-evaluation tick",
  decide: "the failover function, with its best-effort calls' timeouts when a region does not answer",
  promote: "RDS promotion of the replica (overlaps capacity + dns)",
  capacity: "instance launch (or warm pool) + app start + healthy threshold x interval",
  dns: "Route 53 sees B healthy (threshold x interval) + what is left of the TTL + resolver caching",
  total: "detect + hold + decide + max(promote, capacity + dns)",
};

const TRIGGER_KEYS = ["route53", "probe", "probeAlarm"] as const;

const TRIGGERS: Record<(typeof TRIGGER_KEYS)[number], string> = {
  route53:
    "trigger: us-east-1 alarm: interval x failure threshold (+ phase) + alarm periods x 60 s + metric delay",
  probe:
    "trigger: probe in B, direct: next check + (failure count - 1) x cadence + timeout, not before Route 53's verdict",
  probeAlarm: "backstop: probe alarm in B: samples published + probe alarm periods x 60 s + metric delay",
};

const seconds = (n: number | null) => (n === null ? "-" : `${Math.round(n)}s`);

/** The model as printed: one table per scenario, one row per term, the cases (and the floor) as columns. */
export function rtoOutput(model: RtoModel): Output {
  const tables = SCENARIOS.map((scenario) => {
    const { cases, withinTarget } = model.scenarios[scenario];
    // the floor is the fastest detection of all, which only P's loss alone allows
    const floor = scenario === "primary-lost" ? [model.floor] : [];
    const rows = [
      ...TRIGGER_KEYS.map((k) => [
        `trigger ${k}`,
        ...[...CASES.map((c) => cases[c]), ...floor].map((t) => seconds(t.triggers[k])),
        scenario === "primary-and-us-east-1-lost" && k === "route53" ? "gone with us-east-1" : TRIGGERS[k],
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
    "in-region-recovery-held: P's own API reports a recovery that does not bring P back; the hold counts from the earliest alarm",
    "floor: the fastest detection allowed (10 s interval, threshold 1, one alarm period; the probe every 10 s, one failure) with best-case terms",
    "sources of the assumptions: docs/cli.md `rto`",
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
    "the recovery-time model per scenario (P lost; P and us-east-1 lost; an in-region recovery held): best, typical, worst, physical floor, for the deployed or given settings",
  configure: (cmd: Command) =>
    cmd
      .option("--interval <seconds>", "what if: health check interval (10 or 30)")
      .option("--failure-threshold <n>", "what if: health check failure threshold (1..10)")
      .option("--alarm-periods <n>", "what if: alarm evaluation periods")
      .option("--warm-pool <n>", "what if: warm pool size in B")
      .option("--probe-periods <n>", "what if: probe alarm evaluation periods")
      .option(
        "--probe-cadence <seconds>",
        "what if: seconds between the probe's checks (10, 15, 20, 30 or 60)",
      )
      .option("--probe-failures <n>", "what if: failed checks before the probe notifies the failover (1..10)")
      .option("--hold <seconds>", "what if: failover hold max during an in-region recovery"),
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
    const cadence = int(options.probeCadence, "probe-cadence");
    if (cadence !== undefined) {
      if (!(PROBE_CADENCES as readonly number[]).includes(cadence))
        throw new CliError(`--probe-cadence must be one of ${PROBE_CADENCES.join(", ")}`, ExitCode.usage);
      inputs.probeCadenceSeconds = cadence;
    }
    const failures = int(options.probeFailures, "probe-failures");
    if (failures !== undefined && (failures < 1 || failures > 10))
      throw new CliError("--probe-failures must be 1 to 10", ExitCode.usage);
    inputs.probeFailureCount = failures ?? inputs.probeFailureCount;
    inputs.holdMaxSeconds = int(options.hold, "hold") ?? inputs.holdMaxSeconds;
    const model = rtoModel(inputs);
    writeOutput(ctx.io, ctx.format, rtoOutput(model));
    if (!model.withinTarget) {
      ctx.io.err(`error: ${explainOverTarget(model)}`);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  },
};
