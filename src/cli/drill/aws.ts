import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { resolveDnsName } from "../../aws/dns.js";
import type { DeploymentConfig } from "../../core/config.js";
import { rtoInputsFromConfig, rtoModel } from "../../core/rto.js";
import { createReadinessClients, createReadinessPorts } from "../../functions/readiness/aws-ports.js";
import { runReadiness } from "../../functions/readiness/run.js";
import { autoScalingCapacityPort, databasePortFor, latchPortFor } from "../../functions/shared/aws-ports.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import type { OperationRecordPort } from "../../functions/shared/operation-record.js";
import type { DrillRecordPort, LockPort } from "../../functions/shared/ports.js";
import { confirmConsequence, operatorName } from "../confirm.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { progress } from "../io.js";
import { comparison, restoredAt } from "./compare.js";
import { drillEvidence } from "./evidence.js";
import { fencePrimaryGroup } from "./fence.js";
import { apiProbes, type MilestoneProbe, watchMilestones } from "./milestones.js";
import {
  beginDrill,
  DRILL_OPERATION,
  drillOperationPort,
  drillProgress,
  endDrill,
  FENCE_PRIMARY_GROUP,
  sizesAct,
} from "./operation.js";
import { type DrillOptions, drillTimeoutSeconds } from "./options.js";
import { type DrillPreflight, drillPreflight } from "./preflight.js";
import { drillRecordFor } from "./record.js";
import type { DrillReport, Expectation } from "./report.js";
import { type Resolve4, recursiveResolver, userDnsProbes } from "./user-dns.js";

/** What the AWS drill reaches the world through beyond the SDK clients; tests pass fakes. */
export interface AwsDrillSeams {
  /** A recursive resolver for the given servers (none: the system's). */
  resolverFor?: (servers: readonly string[]) => Resolve4;
  /** How often the milestones are polled. */
  intervalMs?: number;
  /** The preflight's readings (default: readiness as `pilotlight readiness` runs it, without arming). */
  preflight?: () => Promise<DrillPreflight>;
  /** The drill's progress record (default: B's lock table, `<deployment>#drill-op`). */
  operation?: OperationRecordPort;
  /** Where SIGINT and SIGTERM arrive (default: the process). */
  signals?: Pick<NodeJS.Process, "once" | "off">;
}

/** The flag that answers the AWS drill's question without a terminal; `--yes` does not. */
export const ACCEPT_OUTAGE = "--accept-outage";

/** The preflight's readings on AWS: readiness without arming, the lock item, B's lag. */
async function awsPreflight(
  ctx: CommandContext,
  config: DeploymentConfig,
  lock: LockPort,
): Promise<DrillPreflight> {
  const [readiness, record, lagSeconds] = await Promise.all([
    runReadiness(createReadinessPorts(config, createReadinessClients(config, ctx.clients)), config, {
      arm: false,
      by: "pilotlight drill",
    }),
    lock.read(config.deployment),
    databasePortFor(ctx.clients, config.backup.region).replicaLagSeconds(config.backup.db.instanceId),
  ]);
  return { readiness, lock: record, lagSeconds };
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
  const P = config.primary;
  const pre = await (seams.preflight ?? (() => awsPreflight(ctx, config, lock)))();
  const lag = drillPreflight(config, pre);
  const port = seams.operation ?? drillOperationPort(ctx.clients, config);
  const stored = await port.read();
  // refused before the question: an open drill is ended first (drill --abort)
  beginDrill(stored, config.deployment, pre.lock as LockRecord, "", Date.now());
  // a drill fails P alone: the model's scenario with both triggers
  const model = rtoModel(rtoInputsFromConfig(config)).scenarios["primary-lost"];
  await confirmConsequence(
    ctx.io,
    config.deployment,
    `AWS drill on ${config.deployment}: P fails FOR REAL (${P.asg.name} scaled to 0) and the failover promotes ${config.backup.db.instanceId} in ${config.backup.region}. Blast radius: writes fail for up to ${model.cases.worst.total} s (the recovery model's worst case); writes B has not replayed are lost, up to the current replica lag of ${lag} s; afterwards P's database is rebuilt as a replica of B's (pilotlight failback), and P serves again only after it.`,
    { flag: ACCEPT_OUTAGE, given: options.acceptOutage ?? false },
  );
  const resolvers = userResolvers(options.resolver ?? [], seams.resolverFor);
  // who ran it, for the record (GetCallerIdentity needs no permission)
  const identity = await ctx.clients
    .sts(config.backup.region)
    .send(new GetCallerIdentityCommand({}))
    .then((r) => r.Arn)
    .catch(() => undefined);
  const by = identity ?? operatorName();
  const drill = drillProgress(
    port,
    beginDrill(stored, config.deployment, pre.lock as LockRecord, by, Date.now()),
  );
  // SIGINT/SIGTERM end the drill as its end does (P restored only if no incident opened); a
  // second signal kills the CLI as usual, and drill --abort ends it from the record
  let interrupted: string | undefined;
  const signals = seams.signals ?? process;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    log(`${signal}: ending the drill from its record (again to kill the CLI; then pilotlight drill --abort)`);
  };
  signals.once("SIGINT", onSignal);
  signals.once("SIGTERM", onSignal);
  const endEnv = { clients: ctx.clients, config, lock, drillRecord, progress: drill, log };
  let t0 = Date.now();
  let times: Record<string, number | undefined> = {};
  let probes: Record<string, MilestoneProbe> = {};
  let ended: Awaited<ReturnType<typeof endDrill>>;
  try {
    await drill.started("declare");
    // the drill's declaration, before P fails: the guard's only proof that this is a drill
    await drillRecord.write(drillRecordFor(config, by, drillTimeoutSeconds(options)));
    await drill.finished("declare", "done", `drill record ${config.deployment}#drill written`);
    if (!interrupted) {
      await drill.started("fence");
      const group = await autoScalingCapacityPort(ctx.clients.autoScaling(P.region)).describe(P.asg.name);
      if (!group) throw new CliError(`${P.asg.name} is not in ${P.region}: nothing to fail`, ExitCode.failed);
      // what the fence changes, before the call: the abort puts back these sizes, not the config's
      await drill.acting(FENCE_PRIMARY_GROUP, {
        id: P.asg.name,
        to: sizesAct({ min: group.min, desired: group.desired }),
      });
      t0 = Date.now();
      // A drill is a real failover of a really failed P: with its group at 0 P's ALB answers 503 and
      // Route 53's checkers see P down (nothing is inverted: an inverted check over a failing endpoint
      // reads healthy), and clients that cached P's address stop writing to the old database.
      await fencePrimaryGroup(ctx.clients, config);
      await drill.finished("fence", "done", `${P.asg.name} scaled to 0 from ${sizesAct(group)}`);
      log(
        `FAILURE injected: ${P.asg.name} scaled to 0 (P answers 503); waiting for Route 53's checkers, the alarm and the failover function`,
      );
      const latch = latchPortFor(ctx.clients, config);
      probes = {
        ...apiProbes(ctx.clients, config, lock, t0),
        routeState: {
          name: "Route 53 answers B (API state)",
          source: "Route 53 failover rule over the records and health checks, read through the API",
          probe: async () =>
            (await resolveDnsName(ctx.clients, config, latch.read)).role === "SECONDARY"
              ? Date.now()
              : undefined,
        },
        ...userDnsProbes(config, resolvers),
      };
      await drill.started("watch");
      times = await watchMilestones(probes, {
        deadline: t0 + deadlineMs,
        intervalMs: seams.intervalMs ?? 5_000,
        onReached: (k, at) => log(`${probes[k]?.name} (+${((at - t0) / 1000).toFixed(1)}s)`),
        done: () => interrupted !== undefined,
      });
      await drill.finished(
        "watch",
        "done",
        `${Object.keys(times).length} of ${Object.keys(probes).length} milestones reached${interrupted ? ` (${interrupted})` : ""}`,
      );
    }
    ended = await endDrill(endEnv);
  } catch (error) {
    // whatever broke, P is not left fenced by this drill when no incident opened
    await endDrill(endEnv).catch((e: unknown) => log(`could not end the drill: ${(e as Error).message}`));
    throw error;
  } finally {
    signals.off("SIGINT", onSignal);
    signals.off("SIGTERM", onSignal);
  }
  if (interrupted)
    throw new CliError(`drill interrupted (${interrupted}): ${ended.message}`, ExitCode.aborted);
  // users see B once every resolver they use answers B: the slowest one counts
  const userDns = Object.keys(resolvers).map((label) => times[`dns:${label}`]);
  times.dns = userDns.every((t) => t !== undefined) ? Math.max(...(userDns as number[])) : undefined;
  const record = await lock.read(config.deployment);
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
      `the drill ended from its record (${DRILL_OPERATION}): ${ended.message}`,
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
