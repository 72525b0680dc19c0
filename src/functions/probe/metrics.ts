import type { HealthSignalReading } from "../../aws/health-signal.js";

/** The namespace of the probe's metrics; the probe alarm (terraform/modules/probe) watches it. */
export const PROBE_NAMESPACE = "Pilotlight";

/** The dimension every probe metric carries: one deployment's metrics never mix with another's. */
export const PROBE_DIMENSION = "Deployment";

/** The probe's metric names, as the probe alarm and the docs name them. */
export const PROBE_METRICS = {
  /** B's own GET of P's deep /health, judged as one Route 53 checker judges it: 1 passes, 0 fails. */
  probe: "PrimaryProbeHealthy",
  /** Route 53's verdict on P's endpoint check, read from the health-signal TXT pair: 1 healthy, 0 unhealthy. */
  signal: "Route53SeesPrimaryHealthy",
} as const;

export type ProbeMetricName = (typeof PROBE_METRICS)[keyof typeof PROBE_METRICS];

export interface ProbeDatum {
  name: ProbeMetricName;
  value: 0 | 1;
  /** ISO 8601: when it was observed (the datapoint's timestamp). */
  at: string;
}

/**
 * What one invocation publishes: one PrimaryProbeHealthy datapoint per check of P, at its time (a
 * failed GET is the evidence the alarm needs), and Route 53's verdict when a name server answered
 * with the pair: an unanswered query says nothing about P, and a 0 would be a false vote against it.
 *
 * @example probeData([{ healthy: false, at }], { detail: "no name server answered" }, at)
 *   // [{ name: "PrimaryProbeHealthy", value: 0, at }]
 */
export function probeData(
  checks: ReadonlyArray<{ healthy: boolean; at: string }>,
  signal: HealthSignalReading,
  signalAt: string,
): ProbeDatum[] {
  const data: ProbeDatum[] = checks.map((c) => ({
    name: PROBE_METRICS.probe,
    value: c.healthy ? 1 : 0,
    at: c.at,
  }));
  if (signal.verdict !== undefined) {
    data.push({ name: PROBE_METRICS.signal, value: signal.verdict === "healthy" ? 1 : 0, at: signalAt });
  }
  return data;
}
