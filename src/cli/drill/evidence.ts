import { hostname } from "node:os";
import pkg from "../../../package.json" with { type: "json" };
import { CONFIG_VERSION, type DeploymentConfig } from "../../core/config.js";
import type { ScenarioModel } from "../../core/rto.js";
import { operatorName } from "../confirm.js";
import type { DrillReport, Milestone } from "./report.js";

/**
 * The version of the drill report's JSON schema. Raise it when a field changes meaning or goes
 * away; adding an optional field keeps it.
 */
export const DRILL_REPORT_SCHEMA_VERSION = 1;

/** Who ran a drill, on what, and against which objectives: what an auditor asks before the figures. */
export interface DrillEvidence {
  schemaVersion: typeof DRILL_REPORT_SCHEMA_VERSION;
  ranBy: {
    /** The operator's name (PILOTLIGHT_OPERATOR, else the login name). */
    operator: string;
    host: string;
    /** The AWS principal the CLI ran as, where STS answered. */
    awsIdentity?: string;
  };
  subject: {
    deployment: string;
    primaryRegion: string;
    backupRegion: string;
    pilotlightVersion: string;
    configVersion: number;
    nodeVersion: string;
  };
  /** The failure the drill played, in words. */
  scenario: string;
  objectives: {
    /** Recovery-time objective (thresholds.rtoTargetSeconds). */
    rtoSeconds: number;
    /** Recovery-point objective: the replica-lag bound readiness alarms on (thresholds.replicaLagSecondsMax). */
    rpoSeconds: number;
  };
}

/** The evidence block of a drill run now, by this operator, on this deployment. */
export function drillEvidence(
  config: DeploymentConfig,
  scenario: string,
  awsIdentity?: string,
): DrillEvidence {
  return {
    schemaVersion: DRILL_REPORT_SCHEMA_VERSION,
    ranBy: { operator: operatorName(), host: hostname(), ...(awsIdentity ? { awsIdentity } : {}) },
    subject: {
      deployment: config.deployment,
      primaryRegion: config.primary.region,
      backupRegion: config.backup.region,
      pilotlightVersion: pkg.version,
      configVersion: CONFIG_VERSION,
      nodeVersion: process.version,
    },
    scenario,
    objectives: {
      rtoSeconds: config.thresholds.rtoTargetSeconds,
      rpoSeconds: config.thresholds.replicaLagSecondsMax,
    },
  };
}

export interface ObjectiveVerdict {
  objective: "RTO" | "RPO";
  targetSeconds: number;
  /** What was measured, in words (seconds, or writes lost). */
  measured: string;
  /** undefined: not measured in this drill. */
  met?: boolean;
}

/**
 * Measured recovery and data loss against the objectives. Recovery is met when DNS answered B
 * within the RTO; data loss is met when no acknowledged write went missing (local drills count
 * them) or, where only the failover record's lag estimate exists, when it is within the RPO.
 */
export function objectiveVerdicts(r: DrillReport): ObjectiveVerdict[] {
  const rto: ObjectiveVerdict = {
    objective: "RTO",
    targetSeconds: r.objectives.rtoSeconds,
    measured: r.recoverySeconds === undefined ? "DNS never answered B" : `${r.recoverySeconds.toFixed(1)} s`,
    met: r.recoverySeconds !== undefined && r.recoverySeconds <= r.objectives.rtoSeconds,
  };
  const lagEstimate = r.failoverRecord?.rpoEstimateSeconds;
  let rpo: ObjectiveVerdict;
  if (r.rpo) {
    rpo = {
      objective: "RPO",
      targetSeconds: r.objectives.rpoSeconds,
      measured: `${r.rpo.missing.length} of ${r.rpo.writesAckedBeforeFailure} acknowledged writes lost`,
      met: r.rpo.missing.length === 0,
    };
  } else if (lagEstimate !== undefined) {
    rpo = {
      objective: "RPO",
      targetSeconds: r.objectives.rpoSeconds,
      measured: `replica lag before promotion ${lagEstimate} s (estimate)`,
      met: lagEstimate <= r.objectives.rpoSeconds,
    };
  } else {
    rpo = { objective: "RPO", targetSeconds: r.objectives.rpoSeconds, measured: "not measured" };
  }
  return [rto, rpo];
}

/**
 * A Mermaid gantt of the measured milestones (from the failure) beside the model's typical terms
 * (detect, decide, then promote and capacity side by side, then dns). GitHub and most wikis render
 * it where people read the report. Times are milliseconds since the failure (`dateFormat x`).
 */
export function timelineGantt(milestones: readonly Milestone[], model: ScenarioModel): string[] {
  const t = model.cases.typical;
  const ms = (s: number) => Math.round(s * 1000);
  const lines = [
    "```mermaid",
    "gantt",
    "  title Failure to recovery: measured milestones and the model's typical terms",
    "  dateFormat x",
    "  axisFormat %M:%S",
    "  section measured",
  ];
  milestones.forEach((m, i) => {
    if (m.sinceFailureMs === undefined) return;
    // A zero-length bar does not render: give each milestone at least 1 ms.
    lines.push(`  ${ganttLabel(m.name)} :m${i}, 0, ${Math.max(1, Math.round(m.sinceFailureMs))}`);
  });
  // the model's order: detect, the hold (held scenario only), decide, then the promotion beside
  // capacity and DNS in a row (Route 53 answers B while the promotion runs)
  const detectEnd = ms(t.detect);
  const holdEnd = detectEnd + ms(t.hold);
  const decideEnd = holdEnd + ms(t.decide);
  const capacityEnd = decideEnd + ms(t.capacity);
  lines.push(
    "  section model (typical)",
    `  detect :d1, 0, ${detectEnd}`,
    ...(t.hold > 0 ? [`  hold :d0, ${detectEnd}, ${holdEnd}`] : []),
    `  decide :d2, ${holdEnd}, ${decideEnd}`,
    `  promote :d3, ${decideEnd}, ${decideEnd + ms(t.promote)}`,
    `  capacity :d4, ${decideEnd}, ${capacityEnd}`,
    `  dns :d5, ${capacityEnd}, ${capacityEnd + ms(t.dns)}`,
    "```",
  );
  return lines;
}

/** Mermaid gantt task names end at ":" and must not contain "#" or ";". */
function ganttLabel(name: string): string {
  return name.replace(/[:#;]/g, " ").trim();
}
