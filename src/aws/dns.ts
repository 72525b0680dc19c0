import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
} from "@aws-sdk/client-route-53";
import type { DeploymentConfig } from "../core/config.js";
import {
  answerFromState,
  type CalculatedCheck,
  type CheckerResponse,
  checkersSeeHealthy,
  type DnsAnswer,
  type DnsState,
  type FailoverRecord,
  type FailoverRole,
  type HealthCheckState,
  type LatchObjectCheck,
  normaliseDnsName,
  RECORD_CHECK_THRESHOLDS,
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
 * The records' checks as terraform/modules/dns builds them: two CALCULATED checks over P's endpoint
 * check, B's endpoint check and the two checks of the latch object.
 */
function deploymentChecks(config: DeploymentConfig): {
  calculated: Record<string, CalculatedCheck>;
  latch: Record<string, { inverted: boolean }>;
} {
  const { dns } = config;
  return {
    calculated: {
      [dns.primaryCheckId]: {
        children: [dns.healthCheckId, dns.latch.checkId],
        healthThreshold: RECORD_CHECK_THRESHOLDS.primary,
      },
      [dns.secondaryCheckId]: {
        children: [dns.latch.setCheckId, dns.backupHealthCheckId],
        healthThreshold: RECORD_CHECK_THRESHOLDS.secondary,
      },
    },
    latch: { [dns.latch.checkId]: { inverted: true }, [dns.latch.setCheckId]: { inverted: false } },
  };
}

/**
 * Reads the failover records of the config's name, the health checks and the target health. The
 * records' CALCULATED checks (config.dns.primaryCheckId, secondaryCheckId) are read as their
 * children: GetHealthCheckStatus does not answer for a CALCULATED check
 * (API_GetHealthCheckStatus.html). The latch checks' checkers are played from the latch object
 * (`readLatch`, read once); `observe` gives the endpoint checks' checkers (the local harness plays them).
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
  // the checks the records carry, each CALCULATED one expanded into its children
  const known = deploymentChecks(config);
  const calculatedChecks: Record<string, CalculatedCheck> = {};
  const latchIds = new Set<string>();
  const endpointIds = new Set<string>();
  const visit = (id: string): void => {
    const calculated = known.calculated[id];
    if (calculated) {
      calculatedChecks[id] = calculated;
      calculated.children.forEach(visit);
    } else if (known.latch[id]) latchIds.add(id);
    else endpointIds.add(id);
  };
  for (const r of records) if (r.healthCheckId) visit(r.healthCheckId);
  const healthChecks: Record<string, HealthCheckState> = {};
  const [latchResponse] = await Promise.all([
    latchIds.size > 0 ? latchObjectResponse(readLatch) : undefined,
    ...[...endpointIds].map(async (id) => {
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
  const latchChecks: Record<string, LatchObjectCheck> = {};
  if (latchResponse) {
    for (const id of latchIds)
      latchChecks[id] = { ...(known.latch[id] as { inverted: boolean }), responses: [latchResponse] };
  }
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
  return { records, healthChecks, calculatedChecks, latchChecks, healthyTargets };
}

/** Resolves the deployment's DNS name from the API state, as Route 53 would answer it now. */
export async function resolveDnsName(
  clients: Clients,
  config: DeploymentConfig,
  readLatch: LatchReader,
): Promise<DnsAnswer> {
  return answerFromState(await readDnsState(clients, config, readLatch));
}
