import * as z from "zod";
import type { DeploymentConfig } from "../../core/config.js";
import { fenceObserved, type LockRecord, leaseLive } from "../shared/lock-record.js";
import { type LoggerLike, type MetricsLike, noMetrics, silentLogger } from "../shared/observability.js";
import type { FailoverPorts } from "../shared/ports.js";
import { type FailoverResult, fenceCompletedIncident, runFailover } from "./sequence.js";
import type { AlarmState, TriggerAlarmsPort } from "./trigger-alarms.js";

/** The re-evaluation schedule's constant input (terraform/modules/probe, rule `<name>-reevaluate`). */
export const ReevaluationEventSchema = z.object({
  pilotlight: z.literal("reevaluate"),
  deployment: z.string().min(1),
});

export type ReevaluationEvent = z.infer<typeof ReevaluationEventSchema>;

/** What the lock record says the schedule should do. */
export type ReevaluationStep =
  | { kind: "resume"; reason: string }
  | { kind: "fence"; reason: string }
  | { kind: "check-alarms" }
  | { kind: "nothing"; reason: string };

/**
 * The schedule's decision from the lock record alone: an incident that is not running under a live
 * lease (failed, pending steps with the lease released, or a holder that timed out) is resumed; an
 * armed deployment with no open incident looks at the alarms (alarm actions fire once, on the state
 * change, so an alarm still in ALARM after a refusal is not delivered again); a completed incident
 * whose fence of P was not observed yet is fenced again (P's API returns long after a region loss);
 * anything else waits
 * for someone else: an operator's approval, a failback, the readiness function arming.
 */
export function reevaluationStep(record: LockRecord | undefined, now: number): ReevaluationStep {
  switch (record?.state ?? "unarmed") {
    case "armed":
      return { kind: "check-alarms" };
    case "failed":
      return {
        kind: "resume",
        reason: `incident ${record?.incidentId} failed: ${record?.error ?? "a step failed"}`,
      };
    case "in-progress":
      return leaseLive(record, now)
        ? {
            kind: "nothing",
            reason: `incident ${record?.incidentId} runs under a live lease until ${record?.leaseUntil}`,
          }
        : { kind: "resume", reason: `incident ${record?.incidentId} has steps under way and no live lease` };
    case "pending-approval":
      return {
        kind: "nothing",
        reason: `incident ${record?.incidentId} awaits approval (pilotlight approve)`,
      };
    case "completed":
      return fenceObserved(record?.timeline)
        ? { kind: "nothing", reason: `incident ${record?.incidentId} completed, P fenced` }
        : {
            kind: "fence",
            reason: `incident ${record?.incidentId} completed; P's group not yet seen without instances (${record?.timeline?.fence?.detail ?? "not tried"})`,
          };
    default:
      return { kind: "nothing", reason: "not armed" };
  }
}

/** The alarm that calls for a failover: of those in ALARM, the one that entered it first. */
export function alarmInAlarm(states: readonly (AlarmState | undefined)[]): AlarmState | undefined {
  return states
    .filter((s): s is AlarmState => s?.state === "ALARM")
    .sort((a, b) => Date.parse(a.since) - Date.parse(b.since))[0];
}

export type ReevaluationResult = FailoverResult | { outcome: "nothing"; reason: string };

export interface ReevaluationOptions {
  logger?: LoggerLike;
  metrics?: MetricsLike;
}

/**
 * One run of the re-evaluation schedule (every minute): resumes an open incident, fences P again
 * after a completed one until P's group is seen without instances, or, when the
 * deployment is armed and one of its alarms is still in ALARM, runs the failover sequence as that
 * alarm's delivery would (the guard decides again). The probe alarm in B must answer; the us-east-1
 * alarm is best effort, so a lost us-east-1 never blocks the run.
 */
export async function reevaluate(
  ports: FailoverPorts,
  alarms: TriggerAlarmsPort,
  config: DeploymentConfig,
  options: ReevaluationOptions = {},
): Promise<ReevaluationResult> {
  const log = options.logger ?? silentLogger;
  const record = await ports.lock.read(config.deployment);
  const step = reevaluationStep(record, ports.clock.now());
  if (step.kind === "nothing") {
    log.debug("re-evaluation: nothing to do", { reason: step.reason });
    return { outcome: "nothing", reason: step.reason };
  }
  if (step.kind === "fence") {
    log.info("re-evaluation fences P again", { reason: step.reason });
    return fenceCompletedIncident(ports, config, record as LockRecord, options);
  }
  if (step.kind === "resume") {
    log.info("re-evaluation resumes the incident", { reason: step.reason });
    return runFailover(
      ports,
      config,
      {
        source: "schedule",
        ...(record?.trigger?.alarmName ? { alarmName: record.trigger.alarmName } : {}),
        alarmTime: record?.trigger?.alarmTime ?? new Date(ports.clock.now()).toISOString(),
      },
      options,
    );
  }
  const [probe, healthCheck] = await Promise.all([
    alarms.probe(),
    alarms.healthCheck().catch((error: unknown) => {
      log.warn("re-evaluation: the us-east-1 alarm did not answer; deciding on the probe alarm", { error });
      return undefined;
    }),
  ]);
  const alarm = alarmInAlarm([probe, healthCheck]);
  if (!alarm) {
    const reason = `armed; no alarm in ALARM (${[probe, healthCheck].map((a) => (a ? `${a.name}: ${a.state}` : "unknown")).join(", ")})`;
    log.debug("re-evaluation: nothing to do", { reason });
    return { outcome: "nothing", reason };
  }
  log.info("re-evaluation: an alarm is in ALARM; running the failover sequence", { ...alarm });
  (options.metrics ?? noMetrics).addMetric("ReevaluationTriggered", "Count", 1);
  return runFailover(
    ports,
    config,
    { source: "schedule", alarmName: alarm.name, alarmTime: alarm.since },
    options,
  );
}
