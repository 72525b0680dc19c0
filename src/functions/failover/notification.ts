import type { DeploymentConfig } from "../../core/config.js";
import { type LockRecord, STEP_NAMES } from "../shared/lock-record.js";

/**
 * The ops-topic message of an incident: a subject for the pager, a body a person reads at 3 am
 * (what happened, the timeline, the RPO estimate, what to do next), then the lock record as JSON
 * for scripts.
 */
export function formatNotification(
  record: LockRecord,
  config: DeploymentConfig,
): { subject: string; message: string } {
  const id = record.incidentId ?? "(none)";
  const drill = record.drill ? " [drill]" : "";
  const headline = {
    "pending-approval": `failover awaits approval${drill}`,
    "in-progress": `failover in progress${drill}`,
    completed: `failover completed${drill}`,
    failed: `failover step FAILED${drill}`,
    armed: "armed",
    unarmed: "incident closed",
  }[record.state];
  const next = {
    "pending-approval": `Approve with: pilotlight approve --deployment ${config.deployment}`,
    "in-progress":
      "Actions issued; the steps marked pending are under way and the next run checks their effect. " +
      `Follow with: pilotlight status --deployment ${config.deployment}.`,
    completed:
      `Every step's effect is observed (replica standalone, B's targets healthy in its target group, latch object written in B). Follow with: pilotlight status --deployment ${config.deployment}. ` +
      "The fence of P is tried again every minute until P's group lists no instance. " +
      "Failback is never automatic: use pilotlight failback once P is healthy.",
    failed:
      "The async retry resumes the unfinished steps; if this repeats, fix the cause and run " +
      `pilotlight approve --deployment ${config.deployment}.`,
    armed: "",
    unarmed: "",
  }[record.state];
  const alarmAt = record.trigger?.alarmTime ?? "unknown";
  const lines = [
    `Deployment ${config.deployment}: ${headline}.`,
    `Incident ${id}, alarm ${record.trigger?.alarmName ?? "(operator)"} at ${alarmAt}, attempt ${record.attempts}.`,
    `Guard: ${record.guard ?? "n/a"}`,
    `RPO estimate: ${record.rpoEstimateSeconds !== undefined ? `${record.rpoEstimateSeconds} s of replica lag` : "unknown (no ReplicaLag datapoint)"}.`,
    "Timeline:",
    ...STEP_NAMES.map((step) => {
      const e = record.timeline?.[step];
      if (!e) return `  ${step}: not run`;
      const at =
        e.msSinceAlarm !== undefined ? ` (+${(e.msSinceAlarm / 1000).toFixed(1)} s after the alarm)` : "";
      return `  ${step}: ${e.outcome}${at}: ${e.detail}`;
    }),
    (() => {
      const f = record.timeline?.fence;
      return f
        ? `  fence of P: ${f.outcome} after ${f.attempts} attempt(s), last at ${f.lastAttemptAt}: ${f.detail}`
        : "  fence of P: not run (it follows the promotion's acceptance)";
    })(),
    ...(record.error ? [`Error: ${record.error}`] : []),
    next,
    "",
    JSON.stringify(record),
  ];
  // SNS subjects: ASCII, at most 100 characters
  const subject = `pilotlight ${config.deployment}: ${headline} (${id})`.slice(0, 100);
  return { subject, message: lines.join("\n") };
}
