import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
} from "@aws-sdk/client-route-53";
import type { Clients } from "../aws/clients.js";
import type { DeploymentConfig } from "../core/config.js";
import { HEALTHY_CHECKER_FRACTION } from "../functions/failover/guard.js";

/**
 * "The DNS name" answered the way Route 53 answers a failover record pair, computed from what the
 * API holds: the records, the health check's settings and checker observations, and the target
 * health behind each alias. The emulator answers no DNS queries, so the local demo resolves
 * through this; `status` uses the same rule against AWS.
 */

export type FailoverRole = "PRIMARY" | "SECONDARY";

export interface FailoverRecord {
  role: FailoverRole;
  /** The alias target (an ALB's DNS name), normalised by `normaliseDnsName`. */
  target: string;
  healthCheckId?: string;
  evaluateTargetHealth: boolean;
}

export interface HealthCheckState {
  disabled: boolean;
  inverted: boolean;
  /** What the checkers observe (raw: an inverted check's observations are not inverted). */
  observedHealthy: boolean;
}

export interface DnsAnswer {
  role: FailoverRole;
  target: string;
  /** Why this record answers, in words, for status output and drill reports. */
  reason: string;
}

/** Route 53 compares alias targets without case, trailing dot or the `dualstack.` prefix. */
export function normaliseDnsName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^dualstack\./, "");
}

/**
 * A health check's status as Route 53 uses it for routing: a disabled check counts as healthy,
 * and inversion flips the result. Disabled + Inverted is therefore always unhealthy: the latch.
 */
export function healthCheckHealthy(state: HealthCheckState): boolean {
  const base = state.disabled ? true : state.observedHealthy;
  return state.inverted ? !base : base;
}

/** Route 53 counts a check healthy when more than 18% of its checkers report success. */
export function observedHealthy(statuses: string[]): boolean {
  if (statuses.length === 0) return false;
  const ok = statuses.filter((s) => s.startsWith("Success")).length;
  return ok / statuses.length > HEALTHY_CHECKER_FRACTION;
}

/**
 * The failover answer: PRIMARY while it is healthy, else SECONDARY while that is healthy, and
 * PRIMARY again when both are unhealthy (Route 53 then answers as if both were healthy).
 */
export function answerFailover(
  records: FailoverRecord[],
  healthy: (r: FailoverRecord) => boolean,
): DnsAnswer {
  const primary = records.find((r) => r.role === "PRIMARY");
  const secondary = records.find((r) => r.role === "SECONDARY");
  if (!primary) throw new Error("no PRIMARY failover record");
  if (healthy(primary)) return { role: "PRIMARY", target: primary.target, reason: "primary healthy" };
  if (secondary && healthy(secondary)) {
    return { role: "SECONDARY", target: secondary.target, reason: "primary unhealthy, secondary healthy" };
  }
  return {
    role: "PRIMARY",
    target: primary.target,
    reason: secondary
      ? "both unhealthy: Route 53 answers with the primary"
      : "primary unhealthy, no secondary",
  };
}

/** Everything the answer depends on, as read from the API. */
export interface DnsState {
  records: FailoverRecord[];
  healthChecks: Record<string, HealthCheckState>;
  /** Healthy target count per normalised ALB DNS name; absent when its region did not answer. */
  healthyTargets: Record<string, number>;
}

/** Whether a record counts as healthy: its own health check, and its alias target if evaluated. */
export function recordHealthy(state: DnsState, record: FailoverRecord): boolean {
  if (record.healthCheckId) {
    const hc = state.healthChecks[record.healthCheckId];
    if (!hc || !healthCheckHealthy(hc)) return false;
  }
  // Target health the API did not tell (its region did not answer) leaves the health check to decide.
  const targets = state.healthyTargets[record.target];
  if (record.evaluateTargetHealth && targets !== undefined) return targets > 0;
  return true;
}

/** Reads the failover records of the config's name, the health checks and the target health. */
export async function readDnsState(clients: Clients, config: DeploymentConfig): Promise<DnsState> {
  const route53 = clients.route53();
  const name = normaliseDnsName(config.dns.recordName);
  const sets = await route53.send(
    new ListResourceRecordSetsCommand({
      HostedZoneId: config.dns.zoneId,
      StartRecordName: config.dns.recordName,
      StartRecordType: "A",
    }),
  );
  const records: FailoverRecord[] = [];
  for (const rs of sets.ResourceRecordSets ?? []) {
    if (normaliseDnsName(rs.Name ?? "") !== name || !rs.Failover || rs.Type !== "A") continue;
    const target = rs.AliasTarget?.DNSName ?? rs.ResourceRecords?.[0]?.Value ?? "";
    records.push({
      role: rs.Failover as FailoverRole,
      target: normaliseDnsName(target),
      ...(rs.HealthCheckId ? { healthCheckId: rs.HealthCheckId } : {}),
      evaluateTargetHealth: rs.AliasTarget?.EvaluateTargetHealth ?? false,
    });
  }
  const ids = [...new Set(records.flatMap((r) => (r.healthCheckId ? [r.healthCheckId] : [])))];
  const healthChecks: Record<string, HealthCheckState> = {};
  await Promise.all(
    ids.map(async (id) => {
      const [hc, status] = await Promise.all([
        route53.send(new GetHealthCheckCommand({ HealthCheckId: id })),
        route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id })),
      ]);
      healthChecks[id] = {
        disabled: hc.HealthCheck?.HealthCheckConfig?.Disabled ?? false,
        inverted: hc.HealthCheck?.HealthCheckConfig?.Inverted ?? false,
        observedHealthy: observedHealthy(
          (status.HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status ?? ""),
        ),
      };
    }),
  );
  const healthyTargets: Record<string, number> = {};
  await Promise.all(
    [
      { region: config.primary.region, alb: config.primary.alb },
      { region: config.backup.region, alb: config.backup.alb },
    ].map(async ({ region, alb }) => {
      const health = await clients
        .elbv2(region)
        .send(new DescribeTargetHealthCommand({ TargetGroupArn: alb.targetGroupArn }))
        .catch(() => undefined);
      if (!health) return;
      healthyTargets[normaliseDnsName(alb.dnsName)] = (health.TargetHealthDescriptions ?? []).filter(
        (t) => t.TargetHealth?.State === "healthy",
      ).length;
    }),
  );
  return { records, healthChecks, healthyTargets };
}

/** Resolves the deployment's DNS name from the API state, as Route 53 would answer it now. */
export async function resolveDnsName(clients: Clients, config: DeploymentConfig): Promise<DnsAnswer> {
  const state = await readDnsState(clients, config);
  return answerFailover(state.records, (r) => recordHealthy(state, r));
}
