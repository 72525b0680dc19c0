import type { HealthSignalReading } from "../../aws/health-signal.js";
import type { DeploymentConfig } from "../../core/config.js";
import type { ProbeResult } from "../shared/http-probe.js";
import { type ProbeDatum, probeData } from "./metrics.js";
import { probeNotification } from "./notification.js";
import type { ProbePorts } from "./ports.js";

/** One check of P's deep /health from B. */
export interface ProbeCheck {
  at: string;
  healthy: boolean;
  detail: string;
}

export interface ProbeReport {
  /** When the invocation began. */
  at: string;
  checks: ProbeCheck[];
  /** The last check's result. */
  probe: ProbeResult;
  signal: HealthSignalReading;
  /**
   * Each notification of the failover function (the message published to the probe alarm's
   * topic): at the check that completed the run, and at each failed check after it.
   */
  notified: Array<{ at: string; message: string; error?: string }>;
  published: ProbeDatum[];
}

/**
 * The name servers are asked one after another (each within config.probe.timeoutMs, plus its own
 * address lookup), so the read as a whole gets this many timeouts: a zone's four slow servers must
 * not hold back P's own datapoints, and an unanswered read is published as no verdict.
 */
export const SIGNAL_BUDGET_TIMEOUTS = 2;

/**
 * One scheduled invocation (every minute): checks P's deep /health from B every cadenceSeconds
 * through its minute, and goes on past it while a run of failures has not reached failureCount, so
 * an invocation boundary never cuts a run in two (terraform/modules/probe sizes the timeout for
 * it). From the failureCount-th consecutive failure on, every failed check notifies the failover
 * function through the probe alarm's topic: the guard refuses while Route 53 does not see P down
 * yet, and the next failed check asks again. A failed notification is recorded and the run goes
 * on (the next check, the alarm); Route 53's verdict is read once, beside the first check. The
 * metrics are published at the end; a failed publish throws: the alarm would otherwise read a
 * missing datapoint, and the next invocation tries again.
 */
export async function runProbe(ports: ProbePorts, config: DeploymentConfig): Promise<ProbeReport> {
  const { probe: settings, dns } = config;
  const { clock } = ports;
  const start = clock.now();
  const signalRead = withinBudget(
    ports.readHealthSignal(dns.healthSignal.name, dns.healthSignal.nameServers, settings.timeoutMs),
    SIGNAL_BUDGET_TIMEOUTS * settings.timeoutMs,
  );
  const regular = settings.scheduleSeconds / settings.cadenceSeconds;
  const checks: ProbeCheck[] = [];
  const notified: ProbeReport["notified"] = [];
  let run = 0;
  let last: ProbeResult | undefined;
  for (let i = 0; i < regular || (run > 0 && run < settings.failureCount); i++) {
    const due = start + i * settings.cadenceSeconds * 1000;
    if (due > clock.now()) await clock.sleep(due - clock.now());
    const at = new Date(clock.now()).toISOString();
    last = await ports.probeEndpoint(settings.target, settings.timeoutMs);
    checks.push({ at, healthy: last.healthy, detail: last.detail });
    run = last.healthy ? 0 : run + 1;
    if (run < settings.failureCount) continue;
    const message = JSON.stringify(probeNotification(config, at, run, last.detail));
    notified.push(
      await ports.notify(message).then(
        () => ({ at, message }),
        (err: unknown) => ({ at, message, error: `${(err as Error).name}: ${(err as Error).message}` }),
      ),
    );
  }
  const signal = await signalRead;
  const published = probeData(checks, signal, new Date(start).toISOString());
  await ports.publish(config.deployment, published);
  return {
    at: new Date(start).toISOString(),
    checks,
    probe: last as ProbeResult,
    signal,
    notified,
    published,
  };
}

// a real timer: the budget bounds real I/O, whatever clock paces the checks
function withinBudget(read: Promise<HealthSignalReading>, budgetMs: number): Promise<HealthSignalReading> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<HealthSignalReading>((resolve) => {
    timer = setTimeout(() => resolve({ detail: `no name server answered within ${budgetMs} ms` }), budgetMs);
  });
  return Promise.race([read, late]).finally(() => clearTimeout(timer));
}
