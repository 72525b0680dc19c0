import type { HealthSignalReading } from "../../aws/health-signal.js";
import type { ProbeResult, ProbeTarget } from "../shared/http-probe.js";
import type { ProbeDatum } from "./metrics.js";

/** The probe's edges: P's endpoint over HTTP(S), Route 53's name servers over DNS, CloudWatch and SNS in B, time. */
export interface ProbePorts {
  probeEndpoint(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult>;
  readHealthSignal(
    name: string,
    nameServers: readonly string[],
    timeoutMs: number,
  ): Promise<HealthSignalReading>;
  /** PutMetricData in B, with the deployment's dimension and each datum's timestamp. */
  publish(deployment: string, data: readonly ProbeDatum[]): Promise<void>;
  /** Publish to the probe alarm's topic in B, to which the failover function is subscribed. */
  notify(message: string): Promise<void>;
  clock: { now(): number; sleep(ms: number): Promise<void> };
}
