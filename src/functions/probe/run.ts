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
 * One probe run: P's deep /health from B and Route 53's verdict from its data plane, side by side
 * (each bounded by config.probe.timeoutMs), then the metrics in B. A failed publish throws: the
 * alarm would otherwise read a missing datapoint, and the next scheduled run tries again.
 */
export async function runProbe(
  ports: ProbePorts,
  config: DeploymentConfig,
  now = new Date(),
): Promise<ProbeReport> {
  const { probe: settings, dns } = config;
  const [probe, signal] = await Promise.all([
    ports.probeEndpoint(settings.target, settings.timeoutMs),
    ports.readHealthSignal(dns.healthSignal.name, dns.healthSignal.nameServers, settings.timeoutMs),
  ]);
  const published = probeData(probe, signal);
  await ports.publish(config.deployment, published, now);
  return { at: now.toISOString(), probe, signal, published };
}
