import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
} from "@aws-sdk/client-route-53";
import type { DeploymentConfig } from "../core/config.js";
import {
  answerFromState,
  type CheckerResponse,
  checkersSeeHealthy,
  type DnsAnswer,
  type DnsState,
  type FailoverRecord,
  type FailoverRole,
  type HealthCheckState,
  type LatchedPrimaryCheck,
  normaliseDnsName,
  reportPasses,
} from "../core/route53.js";
import type { Clients } from "./clients.js";

/**
 * "The DNS name" as Route 53 would answer it now, estimated from what the APIs hold: the failover
 * records, each health check's settings and checker observations, and the target health behind
 * each alias. `status`, `drill` and `failback` show it; the local harness, whose emulator answers
 * no DNS queries, resolves through it too. The rules themselves live in src/core/route53.ts.
 */

/**
 * What Route 53's checkers report of a (non-calculated) check: true when more than 18% of them
 * pass, before Disabled/Inverted. On AWS, GetHealthCheckStatus; the local harness plays the
 * checkers instead (the emulator's observations are canned "Success").
 */
export type CheckerObservations = (id: string) => Promise<boolean>;

/** The checkers' observations through GetHealthCheckStatus (us-east-1). */
export function apiObservations(clients: Clients): CheckerObservations {
  return async (id) => {
    const status = await clients.route53().send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
    return checkersSeeHealthy(
      (status.HealthCheckObservations ?? []).map((o) => reportPasses(o.StatusReport?.Status ?? "")),
    );
  };
}

/** The latch object in B as GetObject reads it: undefined when absent, throws when B does not answer. */
export type LatchReader = () => Promise<unknown>;

/**
 * What the latch check's checkers get when they fetch the latch object over HTTPS, played from
 * the object itself (`read`: GetObject in B): 200 while it exists, 404 once absent, no answer
 * when B does not answer. The check is read this way, never through Route 53's API: the latch is
 * B's, and the operator's policy grants no Route 53 read on that check.
 */
export async function latchObjectResponse(read: LatchReader): Promise<CheckerResponse> {
  return read().then(
    (object) => ({ status: object === undefined ? 404 : 200 }),
    () => ({}),
  );
}

/**
 * Reads the failover records of the config's name, the health checks and the target health. The
 * PRIMARY's calculated check (config.dns.primaryCheckId) is read as its two children, P's endpoint
 * check and the latch check: GetHealthCheckStatus does not answer for a CALCULATED check
 * (API_GetHealthCheckStatus.html). `readLatch` reads the latch object; `observe` gives the other
 * checks' checkers (the local harness plays P's).
 */
export async function readDnsState(
  clients: Clients,
  config: DeploymentConfig,
  readLatch: LatchReader,
  observe: CheckerObservations = apiObservations(clients),
): Promise<DnsState> {
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
  const carried = new Set(records.flatMap((r) => (r.healthCheckId ? [r.healthCheckId] : [])));
  const latched = carried.delete(config.dns.primaryCheckId);
  if (latched) carried.add(config.dns.healthCheckId);
  const healthChecks: Record<string, HealthCheckState> = {};
  const [latchResponse] = await Promise.all([
    latched ? latchObjectResponse(readLatch) : undefined,
    ...[...carried].map(async (id) => {
      const [hc, observedHealthy] = await Promise.all([
        route53.send(new GetHealthCheckCommand({ HealthCheckId: id })),
        observe(id),
      ]);
      healthChecks[id] = {
        disabled: hc.HealthCheck?.HealthCheckConfig?.Disabled ?? false,
        inverted: hc.HealthCheck?.HealthCheckConfig?.Inverted ?? false,
        observedHealthy,
      };
    }),
  ]);
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
  const primaryCheck: LatchedPrimaryCheck | undefined = latchResponse && {
    id: config.dns.primaryCheckId,
    endpointCheckId: config.dns.healthCheckId,
    latchResponses: [latchResponse],
  };
  return { records, healthChecks, ...(primaryCheck ? { primaryCheck } : {}), healthyTargets };
}

/** Resolves the deployment's DNS name from the API state, as Route 53 would answer it now. */
export async function resolveDnsName(
  clients: Clients,
  config: DeploymentConfig,
  readLatch: LatchReader,
): Promise<DnsAnswer> {
  return answerFromState(await readDnsState(clients, config, readLatch));
}
