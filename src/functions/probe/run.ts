import type { HealthSignalReading } from "../../aws/health-signal.js";
import type { DeploymentConfig } from "../../core/config.js";
import type { ProbeResult } from "../shared/http-probe.js";
import { type ProbeDatum, probeData } from "./metrics.js";
import type { ProbePorts } from "./ports.js";

export interface ProbeReport {
  at: string;
  probe: ProbeResult;
  signal: HealthSignalReading;
  published: ProbeDatum[];
}

/**
 * The name servers are asked one after another (each within config.probe.timeoutMs, plus its own
 * address lookup), so the read as a whole gets this many timeouts: a zone's four slow servers must
 * not hold back P's own datapoint, and an unanswered read is published as no verdict.
 */
export const SIGNAL_BUDGET_TIMEOUTS = 2;

/**
 * One probe run: P's deep /health from B (within config.probe.timeoutMs) and Route 53's verdict
 * from its data plane (within SIGNAL_BUDGET_TIMEOUTS of them), side by side, then the metrics in
 * B. A failed publish throws: the alarm would otherwise read a missing datapoint, and the next
 * scheduled run tries again.
 */
export async function runProbe(
  ports: ProbePorts,
  config: DeploymentConfig,
  now = new Date(),
): Promise<ProbeReport> {
  const { probe: settings, dns } = config;
  const [probe, signal] = await Promise.all([
    ports.probeEndpoint(settings.target, settings.timeoutMs),
    withinBudget(
      ports.readHealthSignal(dns.healthSignal.name, dns.healthSignal.nameServers, settings.timeoutMs),
      SIGNAL_BUDGET_TIMEOUTS * settings.timeoutMs,
    ),
  ]);
  const published = probeData(probe, signal);
  await ports.publish(config.deployment, published, now);
  return { at: now.toISOString(), probe, signal, published };
}

function withinBudget(read: Promise<HealthSignalReading>, budgetMs: number): Promise<HealthSignalReading> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<HealthSignalReading>((resolve) => {
    timer = setTimeout(() => resolve({ detail: `no name server answered within ${budgetMs} ms` }), budgetMs);
  });
  return Promise.race([read, late]).finally(() => clearTimeout(timer));
}
