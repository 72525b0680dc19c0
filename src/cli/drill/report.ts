import type { ScenarioModel } from "../../core/rto.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import type { LoadStats } from "../../local/load.js";
import { type DrillEvidence, objectiveVerdicts, timelineGantt } from "./evidence.js";

/**
 * A drill report: who ran it on what (the evidence block), the timeline of milestones, the measured
 * recovery time and data loss against the objectives and the model, what users saw (requests
 * failed during the switch, acknowledged writes readable after it), and each expectation with its
 * verdict. Written as JSON (for tools; `schemaVersion` names its shape) and Markdown (for the
 * audit file and the post-mortem).
 */

export interface Milestone {
  name: string;
  /** ISO 8601; absent when it was not reached before the timeout. */
  at?: string;
  /** Milliseconds since the failure was injected. */
  sinceFailureMs?: number;
  /** How it was observed (API, harness), in words. */
  source: string;
}

export interface Expectation {
  name: string;
  ok: boolean;
  detail: string;
}

export interface TermComparison {
  term: string;
  modelTypicalSeconds: number;
  modelWorstSeconds: number;
  measuredSeconds?: number;
  note: string;
}

export interface DrillReport extends DrillEvidence {
  mode: "local" | "aws";
  startedAt: string;
  finishedAt: string;
  failureInjectedAt: string;
  /** How the failure was injected and what was played instead of AWS. */
  method: string[];
  milestones: Milestone[];
  /** Failure injected to B serving (DNS answering B and its database promoted), in seconds. */
  recoverySeconds?: number;
  model: ScenarioModel;
  comparison: TermComparison[];
  load?: {
    total: LoadStats;
    beforeFailure: LoadStats;
    duringSwitch: LoadStats;
    afterSwitch: LoadStats;
    /** Time from the last success on P to the first success on B, ms. */
    userVisibleGapMs?: number;
  };
  rpo?: { writesAckedBeforeFailure: number; readableAfter: number; missing: string[] };
  failoverRecord?: LockRecord | null;
  expectations: Expectation[];
  passed: boolean;
}

const s = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)}s`);

function statsLine(st: LoadStats): string {
  const failures = Object.entries(st.failures)
    .map(([k, v]) => `${v} x ${k}`)
    .join(", ");
  return `${st.requests} requests, ${st.ok} ok, ${st.failed} failed${failures ? ` (${failures})` : ""}; P ${st.bySide.primary}, B ${st.bySide.backup}`;
}

/** The report as Markdown, for people (docs/drills/ holds an example). */
export function renderMarkdown(r: DrillReport): string {
  const lines: string[] = [];
  const e = r.subject;
  lines.push(`# Drill report: ${e.deployment} (${r.mode})`, "");
  lines.push(`- report schema version ${r.schemaVersion}`);
  lines.push(
    `- ran by ${r.ranBy.operator} on ${r.ranBy.host}${r.ranBy.awsIdentity ? ` as ${r.ranBy.awsIdentity}` : ""}`,
  );
  lines.push(
    `- on deployment ${e.deployment}: primary ${e.primaryRegion}, backup ${e.backupRegion}; pilotlight ${e.pilotlightVersion}, config version ${e.configVersion}, Node.js ${e.nodeVersion}`,
  );
  lines.push(`- scenario: ${r.scenario}`);
  lines.push(`- started ${r.startedAt}, finished ${r.finishedAt}`);
  lines.push(`- failure injected ${r.failureInjectedAt}`);
  lines.push(
    `- **recovery (failure to B serving: DNS answering B, database promoted): ${r.recoverySeconds === undefined ? "not reached" : `${r.recoverySeconds.toFixed(1)} s`}**; model: typical ${r.model.cases.typical.total} s, worst ${r.model.cases.worst.total} s, target ${r.model.targetSeconds} s`,
  );
  lines.push(`- verdict: **${r.passed ? "all expectations met" : "UNMET EXPECTATIONS"}**`, "");
  lines.push("## Objectives", "", "| objective | target | measured | verdict |", "| --- | --- | --- | --- |");
  for (const v of objectiveVerdicts(r)) {
    const verdict = v.met === undefined ? "not measured" : v.met ? "met" : "**NOT MET**";
    lines.push(`| ${v.objective} | ${v.targetSeconds} s | ${v.measured} | ${verdict} |`);
  }
  lines.push("");
  lines.push("## How", "", ...r.method.map((m) => `- ${m}`), "");
  lines.push(
    "## Timeline",
    "",
    "| milestone | at | since failure | observed by |",
    "| --- | --- | --- | --- |",
  );
  for (const m of r.milestones)
    lines.push(`| ${m.name} | ${m.at ?? "not reached"} | ${s(m.sinceFailureMs)} | ${m.source} |`);
  lines.push("", ...timelineGantt(r.milestones, r.model));
  lines.push(
    "",
    "## Measured against the model",
    "",
    "| term | model typical | model worst | measured | note |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const c of r.comparison) {
    lines.push(
      `| ${c.term} | ${c.modelTypicalSeconds} s | ${c.modelWorstSeconds} s | ${c.measuredSeconds === undefined ? "-" : `${c.measuredSeconds.toFixed(1)} s`} | ${c.note} |`,
    );
  }
  if (r.load) {
    lines.push("", "## What users saw", "");
    lines.push(`- before the failure: ${statsLine(r.load.beforeFailure)}`);
    lines.push(`- during the switch (failure to B serving): ${statsLine(r.load.duringSwitch)}`);
    lines.push(`- after the switch: ${statsLine(r.load.afterSwitch)}`);
    lines.push(`- longest gap without a successful request: ${s(r.load.userVisibleGapMs)}`);
  }
  if (r.rpo) {
    lines.push(
      "",
      "## Data (RPO in practice)",
      "",
      `- writes acknowledged before the failure: ${r.rpo.writesAckedBeforeFailure}; readable after the switch: ${r.rpo.readableAfter}; lost: ${r.rpo.missing.length}${r.rpo.missing.length ? ` (${r.rpo.missing.join(", ")})` : ""}`,
    );
  }
  if (r.failoverRecord) {
    const rec = r.failoverRecord;
    lines.push(
      "",
      "## Failover record",
      "",
      `- incident ${rec.incidentId}, state ${rec.state}, drill ${rec.drill ?? false}, guard: ${rec.guard ?? "-"}`,
    );
    lines.push(
      `- RPO estimate (replica lag before promotion): ${rec.rpoEstimateSeconds === undefined ? "no ReplicaLag datapoint" : `${rec.rpoEstimateSeconds} s`}`,
    );
    for (const [step, e] of Object.entries(rec.timeline ?? {})) {
      lines.push(`- ${step}: ${e?.outcome}, ${e?.msSinceAlarm ?? "-"} ms after the alarm: ${e?.detail}`);
    }
  }
  lines.push("", "## Expectations", "", "| | expectation | detail |", "| --- | --- | --- |");
  for (const e of r.expectations) lines.push(`| ${e.ok ? "ok" : "**FAIL**"} | ${e.name} | ${e.detail} |`);
  lines.push("");
  return lines.join("\n");
}

/** Time from the last success on P before the failure to the first success after it, ms. */
export function userVisibleGapMs(records: { at: number; ok: boolean }[]): number | undefined {
  let gap = 0;
  let lastOk: number | undefined;
  for (const r of records) {
    if (!r.ok) continue;
    if (lastOk !== undefined) gap = Math.max(gap, r.at - lastOk);
    lastOk = r.at;
  }
  return lastOk === undefined ? undefined : gap;
}
