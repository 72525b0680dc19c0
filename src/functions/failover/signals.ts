import type { DeploymentConfig } from "../../core/config.js";
import { errorCode } from "../shared/errors.js";
import type { FailoverPorts } from "../shared/ports.js";
import type { GuardSignals } from "./guard.js";
import { inRegionRecovery } from "./primary-recovery.js";

/** A best-effort call that did not answer within its bound. */
export class SignalTimeoutError extends Error {
  override readonly name = "SignalTimeoutError";
}

/**
 * Settles with `promise`, or fails after `ms`. The best-effort SDK clients abort their own requests
 * (src/aws/clients.ts); this bound holds whatever the port does, so no signal holds up the guard.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SignalTimeoutError(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const why = (error: unknown) => `${errorCode(error)}: ${(error as Error).message}`;

/**
 * Gathers the guard's signals, all at once and each best effort: a signal whose source does not
 * answer reads "unknown" with the reason, it never throws. Worst case about two best-effort
 * timeouts (Route 53's API, then its data plane). The regions: the latch and the drill record in
 * B, Route 53's API in us-east-1, its data plane global, the probe from B, P's RDS API in P.
 */
export async function gatherSignals(
  ports: Pick<FailoverPorts, "latch" | "signals">,
  config: DeploymentConfig,
  now: number,
): Promise<GuardSignals> {
  const [latch, drill, route53, probe, primaryRegion] = await Promise.all([
    readLatch(ports, config),
    readDrill(ports, config),
    readRoute53(ports, config),
    readProbe(ports, config),
    readPrimaryRegion(ports, config, now),
  ]);
  return { latch, drill, route53, probe, primaryRegion };
}

async function readLatch(ports: Pick<FailoverPorts, "latch">, config: DeploymentConfig) {
  const source = `latch object s3://${config.dns.latch.bucket}/${config.dns.latch.key} (B, ${config.backup.region})`;
  try {
    const record = await ports.latch.read();
    return record
      ? {
          latched: true,
          source,
          detail: `written at ${record.latchedAt} by ${record.by} (${record.incidentId})`,
        }
      : { latched: false, source, detail: "absent" };
  } catch (error) {
    return { source, detail: why(error) };
  }
}

async function readDrill(ports: Pick<FailoverPorts, "signals">, config: DeploymentConfig) {
  const source = `drill record in ${config.failover.lockTableName} (B, ${config.backup.region})`;
  try {
    const record = await ports.signals.drill.read();
    return record
      ? {
          record,
          source,
          detail: `drill by ${record.by} since ${record.startedAt}, expires ${record.expiresAt}`,
        }
      : { source, detail: "none" };
  } catch (error) {
    // unreadable counts as no drill: the failover is then an incident's, or refused and asked again next minute
    return { source, detail: `unreadable (${why(error)})` };
  }
}

/**
 * Route 53's verdict from its data plane: the health-signal TXT pair, whose PRIMARY carries P's
 * endpoint check, as the zone's name servers answer it. Route 53 answers by the check's status,
 * which applies the failure threshold and the checkers' 18% rule over time; GetHealthCheckStatus
 * lists each checker's last observation only and is documented as a diagnostic, so it gives no
 * verdict. The API is asked at the same time for what DNS cannot show: whether the check is
 * Inverted (its status, and with it the answer, is flipped) or Disabled (always healthy).
 */
async function readRoute53(ports: Pick<FailoverPorts, "signals">, config: DeploymentConfig) {
  const timeoutMs = config.failover.bestEffortTimeoutMs;
  const id = config.dns.healthCheckId;
  const { name, nameServers } = config.dns.healthSignal;
  const api = `Route 53 API GetHealthCheck ${id} (us-east-1), for Inverted and Disabled`;
  const dns = `health-signal TXT ${name} at the zone's name servers (Route 53 data plane)`;
  const [check, signal] = await Promise.allSettled([
    within(ports.signals.endpointCheck.describe(id), timeoutMs, "Route 53 API"),
    ports.signals.healthSignal(name, nameServers, timeoutMs),
  ]);
  const flags =
    check.status === "rejected"
      ? { apiDetail: `API: ${why(check.reason)}` }
      : check.value === undefined
        ? { apiDetail: `API: health check ${id} does not exist` }
        : {
            inverted: check.value.inverted,
            apiDetail: `API: check ${check.value.disabled ? "disabled" : "enabled"}, ${check.value.inverted ? "inverted" : "not inverted"}; ${check.value.observations.filter((o) => o.healthy).length} of ${check.value.observations.length} checkers' last observations pass (diagnostic only)`,
          };
  const verdict = signal.status === "fulfilled" ? signal.value.verdict : undefined;
  const dnsDetail = signal.status === "fulfilled" ? signal.value.detail : why(signal.reason);
  return {
    ...(verdict ? { verdict } : {}),
    via: verdict ? ("dns" as const) : ("none" as const),
    ...(flags.inverted !== undefined ? { inverted: flags.inverted } : {}),
    source: `${dns}; ${api}`,
    detail: `DNS: ${dnsDetail}; ${flags.apiDetail}`,
  };
}

async function readProbe(ports: Pick<FailoverPorts, "signals">, config: DeploymentConfig) {
  const { target, timeoutMs } = config.probe;
  const source = `B's probe GET ${target.url}`;
  try {
    const result = await ports.signals.probe(target, timeoutMs);
    return { healthy: result.healthy, source, detail: result.detail };
  } catch (error) {
    return { healthy: false, source, detail: why(error) };
  }
}

/** P's RDS API: an in-region recovery under way means hold; no answer means no information. */
async function readPrimaryRegion(
  ports: Pick<FailoverPorts, "signals">,
  config: DeploymentConfig,
  now: number,
) {
  const { instanceId } = config.primary.db;
  const timeoutMs = config.failover.bestEffortTimeoutMs;
  const source = `RDS DescribeDBInstances/DescribeEvents ${instanceId} (P, ${config.primary.region})`;
  const db = ports.signals.primaryDatabase;
  const [status, events] = await Promise.allSettled([
    within(db.describe(instanceId), timeoutMs, "DescribeDBInstances"),
    within(db.events(instanceId, new Date(now - 3_600_000)), timeoutMs, "DescribeEvents"),
  ]);
  if (status.status === "rejected" && events.status === "rejected")
    return { source, detail: `unreachable: ${why(status.reason)}` };
  const reading = inRegionRecovery(
    status.status === "fulfilled" ? status.value?.status : undefined,
    events.status === "fulfilled" ? events.value : [],
  );
  const partial =
    status.status === "rejected"
      ? ` (DescribeDBInstances: ${why(status.reason)})`
      : events.status === "rejected"
        ? ` (DescribeEvents: ${why(events.reason)})`
        : "";
  return { recovering: reading.recovering, source, detail: `${reading.detail}${partial}` };
}
