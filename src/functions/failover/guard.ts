import type { HealthSignal } from "../../core/route53.js";
import type { DrillRecord } from "../shared/ports.js";

/** Where a signal came from and what it showed, in words: the incident record keeps both. */
export interface SignalReading {
  source: string;
  detail: string;
}

/**
 * The guard's independent signals (gathered best effort by signals.ts). No single vantage point
 * can start a failover; no unreachable control plane can stop one (docs/functions.md "The guard: independent signals").
 */
export interface GuardSignals {
  /** The latch object in B; `latched` undefined: B's S3 did not answer. */
  latch: SignalReading & { latched?: boolean };
  /** The drill record in B's lock table; absent when none (or unreadable: no drill then). */
  drill: SignalReading & { record?: DrillRecord };
  /**
   * Route 53's verdict on P's endpoint check, through the API (us-east-1) or, when the API does
   * not answer, the health-signal TXT pair (data plane); `inverted` is known only through the API.
   */
  route53: SignalReading & { verdict?: HealthSignal; via: "api" | "dns" | "none"; inverted?: boolean };
  /** B's own probe of P right now. */
  probe: SignalReading & { healthy: boolean };
  /** P's own regional API; `recovering` undefined: P's region did not answer (no information). */
  primaryRegion: SignalReading & { recovering?: boolean };
}

export interface GuardSettings {
  /** config.failover.holdMaxSeconds: the longest an in-region recovery holds the failover. */
  holdMaxSeconds: number;
  /** The trigger's alarm time (ISO 8601): the hold is counted from it. */
  alarmTime: string;
}

/** One signal as the verdict and the incident record list it. */
export interface SignalSummary {
  signal: keyof GuardSignals;
  reading: string;
  source: string;
  detail: string;
}

export type ProceedCode = "drill" | "unhealthy" | "hold-expired" | "forced";
export type RefuseCode =
  | "latched"
  | "latch-unknown"
  | "inverted"
  | "no-route53-verdict"
  | "healthy"
  | "probe-sees-healthy"
  | "hold";
export type GuardCode = ProceedCode | RefuseCode;

/**
 * The refusals that may be standing in the way of a real failover and have no bound of their own:
 * the function publishes `GuardBlocked` on each, and the `guard-blocked` alarm in B
 * (terraform/modules/observability) pages the ops topic once they last a few minutes. `latched`
 * is a failover already done, `healthy` a false positive that clears with its alarm, and `hold`
 * runs out by itself after holdMaxSeconds.
 */
export const PAGING_REFUSALS: ReadonlySet<RefuseCode> = new Set<RefuseCode>([
  "latch-unknown",
  "inverted",
  "no-route53-verdict",
  "probe-sees-healthy",
]);

export type GuardVerdict =
  | { proceed: true; code: ProceedCode; drill: boolean; reason: string; signals: SignalSummary[] }
  | { proceed: false; code: RefuseCode; reason: string; signals: SignalSummary[] };

/** A drill record counts until its expiresAt: a drill whose CLI died stops counting by itself. */
export function drillLive(record: DrillRecord | undefined, now: number): boolean {
  return record !== undefined && Date.parse(record.expiresAt) > now;
}

/**
 * The guard's decision table (docs/functions.md "The guard: independent signals"), first matching row wins:
 *
 * | signals                                                         | verdict                     |
 * | latch object unreadable / present                               | refuse latch-unknown / latched |
 * | endpoint check inverted (API), drill or not                     | refuse inverted             |
 * | live drill record, Route 53 unhealthy                           | proceed as drill            |
 * | Route 53 unknown (API and DNS unanswered)                       | refuse no-route53-verdict   |
 * | Route 53 healthy                                                | refuse healthy              |
 * | Route 53 unhealthy, B's probe sees P healthy                    | refuse probe-sees-healthy   |
 * | ... probe unhealthy, P's API: in-region recovery, within bound  | refuse hold                 |
 * | ... probe unhealthy, P's API: in-region recovery, past bound    | proceed hold-expired        |
 * | ... probe unhealthy, P's API unreachable or no recovery         | proceed unhealthy           |
 *
 * A refusal is not final: while P stays down the one-minute re-evaluation asks again.
 */
export function guardVerdict(signals: GuardSignals, settings: GuardSettings, now: number): GuardVerdict {
  const summary = summarise(signals, now);
  const refuse = (code: RefuseCode, reason: string): GuardVerdict => ({
    proceed: false,
    code,
    reason,
    signals: summary,
  });
  const proceed = (code: ProceedCode, reason: string, drill = false): GuardVerdict => ({
    proceed: true,
    code,
    drill,
    reason,
    signals: summary,
  });
  const { latch, drill, route53, probe, primaryRegion } = signals;

  if (latch.latched === undefined)
    return refuse("latch-unknown", `cannot read the latch in B (${latch.detail}): retried next minute`);
  if (latch.latched)
    return refuse("latched", `the latch is set (${latch.detail}): a failover is done or under way`);
  // pilotlight never inverts P's check (a drill fails P for real): inverted by hand, Route 53's
  // verdict is flipped and says nothing of P, drill or not
  if (route53.inverted)
    return refuse(
      "inverted",
      `P's endpoint check is inverted: an inverted check reads P healthy when it fails, so its verdict says nothing of P; pilotlight never inverts it (set Inverted=false: terraform apply)`,
    );
  const live = drillLive(drill.record, now);
  if (live && route53.verdict === "unhealthy")
    return proceed(
      "drill",
      `a drill by ${drill.record?.by} is live and Route 53 sees P unhealthy (${route53.detail}): P is declared down`,
      true,
    );
  if (route53.verdict === undefined)
    return refuse(
      "no-route53-verdict",
      `no Route 53 verdict (${route53.detail}): B's probe alone is one vantage point`,
    );
  if (route53.verdict === "healthy")
    return refuse("healthy", `Route 53 sees P healthy (${route53.detail}): a false positive`);
  if (probe.healthy)
    return refuse(
      "probe-sees-healthy",
      `Route 53 sees P unhealthy but B's probe sees P healthy (${probe.detail}): re-evaluated every minute`,
    );
  if (primaryRegion.recovering) {
    const heldMs = now - Date.parse(settings.alarmTime);
    const boundMs = settings.holdMaxSeconds * 1000;
    if (heldMs < boundMs)
      return refuse(
        "hold",
        `P's API reports an in-region recovery (${primaryRegion.detail}): hold, ${Math.round(heldMs / 1000)} s of ${settings.holdMaxSeconds} s since the alarm`,
      );
    return proceed(
      "hold-expired",
      `P is down for Route 53 and B's probe, and the in-region recovery (${primaryRegion.detail}) did not bring it back within ${settings.holdMaxSeconds} s: the hold expired`,
    );
  }
  return proceed(
    "unhealthy",
    `Route 53 (${route53.detail}) and B's probe (${probe.detail}) see P down; P's API: ${primaryRegion.detail}`,
  );
}

/** Every signal with its source and detail, as the incident record keeps them. */
export function summarise(signals: GuardSignals, now: number): SignalSummary[] {
  const { latch, drill, route53, probe, primaryRegion } = signals;
  const drillReading =
    drill.record === undefined ? "none" : drillLive(drill.record, now) ? "live" : "expired";
  return [
    {
      signal: "latch",
      reading: latch.latched === undefined ? "unknown" : latch.latched ? "set" : "absent",
      ...source(latch),
    },
    { signal: "drill", reading: drillReading, ...source(drill) },
    {
      signal: "route53",
      reading: `${route53.verdict ?? "unknown"}${route53.inverted ? " (inverted)" : ""} via ${route53.via}`,
      ...source(route53),
    },
    { signal: "probe", reading: probe.healthy ? "healthy" : "unhealthy", ...source(probe) },
    {
      signal: "primaryRegion",
      reading:
        primaryRegion.recovering === undefined
          ? "unreachable"
          : primaryRegion.recovering
            ? "recovering"
            : "no recovery",
      ...source(primaryRegion),
    },
  ];
}

const source = (r: SignalReading) => ({ source: r.source, detail: r.detail });
