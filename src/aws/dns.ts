import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
} from "@aws-sdk/client-route-53";
import type { DeploymentConfig } from "../core/config.js";
import {
  answerFromState,
  checkersSeeHealthy,
  type DnsAnswer,
  type DnsState,
  type FailoverRecord,
  type FailoverRole,
  type HealthCheckState,
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
        observedHealthy: checkersSeeHealthy(
          (status.HealthCheckObservations ?? []).map((o) => reportPasses(o.StatusReport?.Status ?? "")),
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
  return answerFromState(await readDnsState(clients, config));
}
