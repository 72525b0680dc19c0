import type { RtoTerms, ScenarioModel } from "../../core/rto.js";
import type { TermComparison } from "./report.js";

/**
 * When B serves: DNS answers B and B takes writes (its database promoted). B's targets pass the
 * shallow /healthz as soon as the app runs, so DNS may answer B before the promotion finishes;
 * writes get 503 until then.
 */
export function restoredAt(m: Record<string, number | undefined>): number | undefined {
  if (m.dns === undefined || m.promotionFinished === undefined) return undefined;
  return Math.max(m.dns, m.promotionFinished);
}

/** Each term of the recovery-time model beside what the drill measured for it. */
export function comparison(
  model: ScenarioModel,
  m: Record<string, number | undefined>,
  t0: number,
  local: boolean,
): TermComparison[] {
  const d = (a?: number, b?: number) =>
    a !== undefined && b !== undefined ? Math.max(0, (b - a) / 1000) : undefined;
  const t = model.cases.typical;
  const w = model.cases.worst;
  const row = (
    term: Exclude<keyof RtoTerms, "triggers">,
    measured: number | undefined,
    note: string,
  ): TermComparison => ({
    term,
    modelTypicalSeconds: Math.round(t[term]),
    modelWorstSeconds: Math.round(w[term]),
    ...(measured === undefined ? {} : { measuredSeconds: measured }),
    note,
  });
  const ready = Math.max(m.targets ?? 0, m.promotionFinished ?? 0) || undefined;
  return [
    row(
      "detect",
      d(t0, m.alarm),
      local
        ? "played: the emulator's health checks and alarms do not evaluate; the harness sets the alarm at once"
        : "failure to alarm",
    ),
    row(
      "decide",
      d(m.alarm, m.actionsIssued ?? m.promotionStarted),
      "alarm to every action issued by the failover function",
    ),
    row(
      "promote",
      d(m.promotionStarted, m.promotionFinished),
      local
        ? "local PostgreSQL pg_promote(); RDS takes minutes"
        : "PromoteReadReplica to standalone and available",
    ),
    row(
      "capacity",
      d(m.alarm, m.targets),
      local
        ? "emulator instances are InService at once; target health is the local app's /healthz"
        : "alarm to healthy targets in B",
    ),
    row(
      "dns",
      d(ready, m.dns),
      local ? "the local resolver has no TTL or resolver cache" : "B ready to DNS answering B",
    ),
    row("total", d(t0, restoredAt(m)), "failure to B serving (DNS answering B, database promoted)"),
  ];
}
