import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { resolveDnsName } from "../../aws/dns.js";
import type { DeploymentConfig } from "../../core/config.js";
import { rtoInputsFromConfig, rtoModel } from "../../core/rto.js";
import { latchPortFor } from "../../functions/shared/aws-ports.js";
import type { DrillRecordPort, LockPort } from "../../functions/shared/ports.js";
import { confirmStep, operatorName } from "../confirm.js";
import type { CommandContext } from "../context.js";
import { progress } from "../io.js";
import { comparison, restoredAt } from "./compare.js";
import { drillEvidence } from "./evidence.js";
import { fencePrimaryGroup, restorePrimaryGroup } from "./fence.js";
import { apiProbes, type MilestoneProbe, watchMilestones } from "./milestones.js";
import { type DrillOptions, drillTimeoutSeconds } from "./options.js";
import { drillRecordFor } from "./record.js";
import type { DrillReport, Expectation } from "./report.js";
import { restoreIfNotLatched } from "./restore.js";
import { type Resolve4, recursiveResolver, userDnsProbes } from "./user-dns.js";

/** What the AWS drill reaches the world through beyond the SDK clients; tests pass fakes. */
export interface AwsDrillSeams {
  /** A recursive resolver for the given servers (none: the system's). */
  resolverFor?: (servers: readonly string[]) => Resolve4;
  /** How often the milestones are polled. */
  intervalMs?: number;
}

/**
 * The drill on AWS: a real failover, measured as users see it. It writes the drill record, then
 * fails P for real (P's group scaled to 0, so P's ALB answers /health with 503 and Route 53's
 * checkers see P down); Route 53, the alarm and the failover function do the rest by themselves.
 */
export async function runAwsDrill(
  ctx: CommandContext,
  config: DeploymentConfig,
  options: DrillOptions,
  lock: LockPort,
  drillRecord: DrillRecordPort,
  seams: AwsDrillSeams = {},
) {
  const started = Date.now();
  const log = progress(ctx.io, started);
  const deadlineMs = drillTimeoutSeconds(options) * 1000;
  await confirmStep(
    ctx.io,
    options.yes ?? false,
    `Drill on ${config.deployment}: write a drill record, fence P (scale ${config.primary.asg.name} to 0) so that Route 53's checkers see P down; the alarm will fail over to ${config.backup.region} FOR REAL. Continue?`,
  );
  const resolvers = userResolvers(options.resolver ?? [], seams.resolverFor);
  // who ran it, for the record (GetCallerIdentity needs no permission)
  const identity = await ctx.clients
    .sts(config.backup.region)
    .send(new GetCallerIdentityCommand({}))
    .then((r) => r.Arn)
    .catch(() => undefined);
  // the drill's declaration, before P fails: the guard's only proof that this is a drill
  await drillRecord.write(drillRecordFor(config, identity ?? operatorName(), drillTimeoutSeconds(options)));
  const t0 = Date.now();
  // A drill is a real failover of a really failed P: with its group at 0 P's ALB answers 503 and
  // Route 53's checkers see P down (nothing is inverted: an inverted check over a failing endpoint
  // reads healthy), and clients that cached P's address stop writing to the old database.
  await fencePrimaryGroup(ctx.clients, config);
  log(
    `FAILURE injected: ${config.primary.asg.name} scaled to 0 (P answers 503); waiting for Route 53's checkers, the alarm and the failover function`,
  );
  const latch = latchPortFor(ctx.clients, config);
  const probes: Record<string, MilestoneProbe> = {
    ...apiProbes(ctx.clients, config, lock, t0),
    routeState: {
      name: "Route 53 answers B (API state)",
      source: "Route 53 failover rule over the records and health checks, read through the API",
      probe: async () =>
        (await resolveDnsName(ctx.clients, config, latch.read)).role === "SECONDARY" ? Date.now() : undefined,
    },
    ...userDnsProbes(config, resolvers),
  };
  const times: Record<string, number | undefined> = await watchMilestones(probes, {
    deadline: t0 + deadlineMs,
    intervalMs: seams.intervalMs ?? 5_000,
    onReached: (k, at) => log(`${probes[k]?.name} (+${((at - t0) / 1000).toFixed(1)}s)`),
  });
  // users see B once every resolver they use answers B: the slowest one counts
  const userDns = Object.keys(resolvers).map((label) => times[`dns:${label}`]);
  times.dns = userDns.every((t) => t !== undefined) ? Math.max(...(userDns as number[])) : undefined;
  await restoreIfNotLatched(
    times.latched,
    () => restorePrimaryGroup(ctx.clients, config),
    `${config.primary.asg.name} restored to ${config.primary.asg.desiredCapacity} so that P serves again`,
    log,
  );
  const record = await lock.read(config.deployment);
  // a drill fails P alone: the model's scenario with both triggers
  const model = rtoModel(rtoInputsFromConfig(config)).scenarios["primary-lost"];
  const expectations: Expectation[] = Object.entries(probes).map(([k, p]) => ({
    name: p.name,
    ok: times[k] !== undefined,
    detail:
      times[k] === undefined
        ? `not reached in ${deadlineMs / 1000} s`
        : `+${(((times[k] as number) - t0) / 1000).toFixed(1)} s`,
  }));
  expectations.push({
    name: "failover record completed",
    ok: record?.state === "completed",
    detail: `state ${record?.state}`,
  });
  const restored = restoredAt(times);
  const recovery = restored === undefined ? undefined : (restored - t0) / 1000;
  const report: DrillReport = {
    ...drillEvidence(
      config,
      "P failed for real: its group scaled to 0, so its ALB answers 503 and Route 53's checkers see it down; the alarm, the failover function, RDS, Auto Scaling and Route 53 ran on AWS",
      identity,
    ),
    mode: "aws",
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    failureInjectedAt: new Date(t0).toISOString(),
    method: [
      `P failed for real at the start: ${config.primary.asg.name} scaled to 0 (P's ALB answers 503, Route 53's checkers see P down, clients that cached P stop writing to its database); a drill record in B's lock table marked the failover a drill; nothing else was touched, everything else ran on AWS by itself`,
      `DNS measured as users see it: ${Object.keys(resolvers).join(", ")} (recursive resolvers, caching included); recovery ends when the last of them answers B and B's database is promoted`,
    ],
    milestones: Object.entries(probes)
      .map(([k, p]) => ({
        name: p.name,
        source: p.source,
        ...(times[k] === undefined
          ? {}
          : { at: new Date(times[k] as number).toISOString(), sinceFailureMs: (times[k] as number) - t0 }),
      }))
      .sort(
        (a, b) =>
          (a.sinceFailureMs ?? Number.POSITIVE_INFINITY) - (b.sinceFailureMs ?? Number.POSITIVE_INFINITY),
      ),
    ...(recovery === undefined ? {} : { recoverySeconds: recovery }),
    model,
    comparison: comparison(model, times, t0, false),
    failoverRecord: record ?? null,
    expectations,
    passed: expectations.every((e) => e.ok),
  };
  return report;
}

/** The resolvers the drill asks, by label: the system's, or the addresses given with --resolver. */
function userResolvers(
  addresses: readonly string[],
  resolverFor: (servers: readonly string[]) => Resolve4 = recursiveResolver,
): Record<string, Resolve4> {
  if (!addresses.length) return { "the system resolver": resolverFor([]) };
  return Object.fromEntries(addresses.map((a) => [a, resolverFor([a])]));
}
