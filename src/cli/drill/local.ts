import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { rtoInputsFromConfig, rtoModel } from "../../core/rto.js";
import { createReadinessClients, createReadinessPorts } from "../../functions/readiness/aws-ports.js";
import { runReadiness } from "../../functions/readiness/run.js";
import type { DrillRecordPort, LockPort } from "../../functions/shared/ports.js";
import { assertEmulator } from "../../local/emulator.js";
import { DOWN_ENDPOINT_REPORT, setCheckerReport, setPromotionSeconds } from "../../local/emulator-control.js";
import {
  alarmSnsEvent,
  ensureAlarm,
  ensureProbeAlarm,
  functionSubscriptionArn,
  type Invocation,
  invokeHandler,
  type PromotionPlayed,
  playProbeMinute,
  playPromotion,
  resolveLocal,
  setAlarm,
  startHealthSignalServers,
} from "../../local/harness.js";
import { loadStats, type RequestRecord, startLoad, verifyLedger } from "../../local/load.js";
import { appHealthy, type LocalStack, startApp, startStack, stopApp } from "../../local/stack.js";
import { confirmStep, operatorName } from "../confirm.js";
import type { CommandContext } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { progress } from "../io.js";
import { comparison, restoredAt } from "./compare.js";
import { drillEvidence } from "./evidence.js";
import { apiProbes, type MilestoneProbe, watchMilestones } from "./milestones.js";
import { beginDrill, drillOperationPort, drillProgress, endDrill, STOP_PRIMARY_APP } from "./operation.js";
import { type DrillOptions, drillTimeoutSeconds } from "./options.js";
import { drillRecordFor } from "./record.js";
import { loseRegions, passedToLost, type RegionLoss, regionLoss, restoreRegions } from "./region-loss.js";
import { type DrillReport, type Expectation, type Milestone, userVisibleGapMs } from "./report.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What Route 53's checkers report of an endpoint in a lost region (API_GetHealthCheckStatus StatusReport). */
const LOST_ENDPOINT_REPORT =
  "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.";

/** The outcomes a failover handler's run returned (one per SNS record or event). */
function outcomes(invocation: Invocation): { outcome?: string; incidentId?: string }[] {
  return Array.isArray(invocation.result)
    ? (invocation.result as { outcome?: string; incidentId?: string }[])
    : [];
}

/** Where SIGINT and SIGTERM arrive. */
type Signals = Pick<NodeJS.Process, "once" | "off">;

/**
 * The local drill's restore of P, for its end and for `drill --local --abort`: P's app instance
 * started again and Route 53's checkers (played) report P as they see it again.
 */
export async function restorePrimaryApp(stack: LocalStack, config: DeploymentConfig): Promise<string> {
  await startApp(stack, "primary");
  await setCheckerReport(assertEmulator(), config.dns.healthCheckId, null);
  if (!(await appHealthy(stack.apps.primary)))
    throw new CliError("P's app instance started again but its /health does not answer 200", ExitCode.failed);
  return "P's app instance started again (its /health answers 200) so that P serves again";
}

/**
 * The drill against the local emulator, with the harness playing what it cannot do. With
 * `--lose-region` the failure is a region loss: the fault proxy refuses every request of the
 * programs to the lost regions, and detection comes from B (the probe) as on the day.
 */
export async function runLocalDrill(
  ctx: CommandContext,
  config: DeploymentConfig,
  options: DrillOptions,
  lock: LockPort,
  drillRecord: DrillRecordPort,
  signals: Signals = process,
): Promise<DrillReport> {
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    return await localDrill(ctx, config, options, lock, drillRecord, cleanup, signals);
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

async function localDrill(
  ctx: CommandContext,
  config: DeploymentConfig,
  options: DrillOptions,
  lock: LockPort,
  drillRecord: DrillRecordPort,
  cleanup: (() => Promise<unknown>)[],
  signals: Signals,
): Promise<DrillReport> {
  const clients: Clients = ctx.clients;
  // what the harness plays (CloudWatch's alarm, Route 53's answers, the data side of the promotion)
  // is not the operator's doing: its calls are recorded apart, outside the IAM contract
  const harness: Clients = ctx.clients.forLocalHarness();
  const started = Date.now();
  const log = progress(ctx.io, started);
  const deadlineMs = drillTimeoutSeconds(options) * 1000;
  const expectations: Expectation[] = [];
  const expect = (name: string, ok: boolean, detail: string) => {
    expectations.push({ name, ok, detail });
    log(`${ok ? "ok  " : "FAIL"} ${name}: ${detail}`);
  };

  // the drill's progress record, as the AWS drill keeps it: an open one is ended first (drill --abort)
  const port = drillOperationPort(clients, config);
  const stored = await port.read();
  beginDrill(stored, config.deployment, undefined, "", Date.now());
  const loss: RegionLoss | undefined = options.loseRegion?.length
    ? regionLoss(config, options.loseRegion)
    : undefined;
  await confirmStep(
    ctx.io,
    options.yes ?? false,
    loss
      ? `Local drill on ${config.deployment}: start the local stack, stop P's app instance, lose ${loss.regions.join(" and ")} (the fault proxy refuses every request to them), and fail over to ${config.backup.region}?`
      : `Local drill on ${config.deployment}: start the local stack, stop P's app instance (Route 53's checkers, played, see P down), and fail over to ${config.backup.region}?`,
  );
  log(`starting the local stack in ${options.stateDir}`);
  const stack: LocalStack = await startStack(config, options.stateDir, options.app, log);
  await ensureAlarm(harness, config);
  log(
    `alarm ${config.dns.alarm.name} in ${config.dns.alarm.region} (created by the harness: the local example gates it off)`,
  );
  if (loss) {
    // detection from B: the probe alarm, and Route 53's name servers answering the health signal
    await ensureProbeAlarm(harness, config);
    const servers = await startHealthSignalServers(harness, config, stack);
    cleanup.push(() => Promise.all(servers.map((server) => server.close())));
    log(
      `probe alarm ${config.probe.alarm.name} in ${config.probe.alarm.region}; health-signal name servers on ${config.dns.healthSignal.nameServers.join(", ")}`,
    );
  }

  const readiness = await runReadiness(
    createReadinessPorts(config, createReadinessClients(config, clients)),
    config,
    {
      by: "pilotlight drill",
    },
  );
  const failedChecks = readiness.checks.filter((c) => c.verdict === "fail");
  log(
    `readiness: ${readiness.checks.length} checks, ${failedChecks.length} failed${failedChecks.length ? ` (${failedChecks.map((c) => c.name).join(", ")})` : ""}`,
  );
  const armed = await lock.read(config.deployment);
  expect(
    "armed before the drill",
    armed?.state === "armed",
    `lock record state ${armed?.state ?? "none"} (readiness arms once P is seen healthy)`,
  );

  // the load loop resolves before every request: its first answer of B dates the DNS switch too
  let firstAnswerB: number | undefined;
  const resolveTarget = async () => {
    const a = await resolveLocal(harness, config, stack);
    if (a.role === "SECONDARY") firstAnswerB ??= Date.now();
    return { side: a.app.side, url: a.app.url };
  };
  const first = await resolveLocal(harness, config, stack);
  expect(
    "DNS answers P before the failure",
    first.role === "PRIMARY" && first.app.side === "primary",
    `${first.role} ${first.target} (${first.reason})`,
  );

  const load = startLoad(resolveTarget, { tag: `drill-${Date.now().toString(36)}` });
  // an interrupted drill stops its load too (stop() again on the way out is a no-op)
  cleanup.push(() => load.stop());
  log(
    `load loop: a write or a read through "the DNS name" every 100 ms; ${options.baseline} s before the failure`,
  );
  await sleep(Number(options.baseline) * 1000);

  const endpoint = assertEmulator();
  const drill = drillProgress(port, beginDrill(stored, config.deployment, armed, operatorName(), Date.now()));
  // SIGINT/SIGTERM end the drill from its record as the AWS drill's do: P restored only if no
  // incident opened; a second signal kills the CLI, and drill --local --abort ends it then
  let interrupted: string | undefined;
  const stopPromotion = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    stopPromotion.abort();
    log(
      `${signal}: ending the drill from its record (again to kill the CLI; then pilotlight drill --local --abort)`,
    );
  };
  signals.once("SIGINT", onSignal);
  signals.once("SIGTERM", onSignal);
  cleanup.push(async () => {
    signals.off("SIGINT", onSignal);
    signals.off("SIGTERM", onSignal);
  });
  const endEnv = {
    clients,
    config,
    lock,
    drillRecord,
    progress: drill,
    log,
    restoreApp: () => restorePrimaryApp(stack, config),
  };
  let ended: Awaited<ReturnType<typeof endDrill>> | undefined;
  // on an interrupt, the drill ends here; what the harness played is undone by the cleanup
  const stopIfInterrupted = async () => {
    if (!interrupted) return;
    ended = await endDrill(endEnv);
    throw new CliError(`drill interrupted (${interrupted}): ${ended.message}`, ExitCode.aborted);
  };
  try {
    return await failAndWatch();
  } catch (error) {
    // whatever broke, P is not left failed by this drill when no incident opened
    if (!ended)
      await endDrill(endEnv).catch((e: unknown) => log(`could not end the drill: ${(e as Error).message}`));
    throw error;
  }

  async function failAndWatch(): Promise<DrillReport> {
    await drill.started("declare");
    // the drill's declaration, before P fails: the guard's only proof that this is a drill
    await drillRecord.write(drillRecordFor(config, operatorName(), drillTimeoutSeconds(options)));
    await drill.finished("declare", "done", `drill record ${config.deployment}#drill written`);
    await stopIfInterrupted();
    await drill.started("fence");
    await drill.acting(STOP_PRIMARY_APP, { id: "primary" });
    const t0 = Date.now();
    if (loss) {
      await stopApp(stack, "primary");
      await loseRegions(endpoint, loss);
      cleanup.push(() => restoreRegions(endpoint));
      // moto's checkers always report success: the harness plays what Route 53's would see of a lost P
      await setCheckerReport(endpoint, config.dns.healthCheckId, LOST_ENDPOINT_REPORT);
      cleanup.push(() => setCheckerReport(endpoint, config.dns.healthCheckId, null));
      log(
        `FAILURE injected: P's app instance stopped, ${loss.regions.join(" and ")} lost (every request of the programs refused); Route 53's checkers report P failing (played)`,
      );
    } else {
      await stopApp(stack, "primary");
      // moto's checkers always report success: the harness plays what Route 53's would see of a stopped P
      await setCheckerReport(endpoint, config.dns.healthCheckId, DOWN_ENDPOINT_REPORT);
      cleanup.push(() => setCheckerReport(endpoint, config.dns.healthCheckId, null));
      log(
        "FAILURE injected: P's app instance stopped (users see P down); Route 53's checkers report P failing (played)",
      );
    }
    await drill.finished("fence", "done", "P's app instance stopped");
    await stopIfInterrupted();
    await drill.started("watch");

    const times: Record<string, number | undefined> = {};
    const promotionSeconds = Number(options.promotionSeconds ?? 0);
    if (promotionSeconds > 0) {
      // this deployment's replica only: the emulator's others keep promoting at once
      await setPromotionSeconds(endpoint, promotionSeconds, config.backup.db.instanceId);
      cleanup.push(() => setPromotionSeconds(endpoint, 0, config.backup.db.instanceId));
      log(`the emulator promotes B's replica in ${promotionSeconds} s (as RDS takes minutes)`);
    }

    let promotion: PromotionPlayed | undefined;
    let promotionError: string | undefined;
    const promotionPlay = playPromotion(harness, config, stack, deadlineMs, stopPromotion.signal).then(
      (p) => {
        promotion = p;
        log(
          `PromoteReadReplica reached the emulator; local PostgreSQL replica promoted in ${p.promotedAt - p.seenAt} ms`,
        );
      },
      (err) => {
        promotionError = (err as Error).message;
        log(`promotion not played: ${promotionError}`);
      },
    );

    // Every delivery to the failover handler, in order: the us-east-1 alarm's (unless us-east-1 is
    // lost), then minute by minute (played at once) the probe alarm's and the re-evaluation's.
    const deliveries: { trigger: string; invocation: Invocation }[] = [];
    const deliver = (trigger: string, invocation: Invocation) => {
      deliveries.push({ trigger, invocation });
      times.invoked ??= invocation.startedAt;
      times.actionsIssued ??= invocation.finishedAt;
      log(
        `failover handler (${trigger}) returned in ${invocation.finishedAt - invocation.startedAt} ms: ${invocation.error ?? JSON.stringify(outcomes(invocation))}`,
      );
    };
    if (loss?.scenario !== "primary-and-us-east-1-lost") {
      const alarm = await setAlarm(harness, config, `pilotlight drill by ${operatorName()}: P fails`);
      times.alarm = alarm.StateTransitionedTimestamp?.getTime() ?? Date.now();
      log(
        `alarm ${alarm.AlarmName}: ALARM (set by the harness, as CloudWatch would after ${config.dns.alarm.evaluationPeriods} period(s))`,
      );
      const event = alarmSnsEvent(alarm, config, await functionSubscriptionArn(config));
      log(`delivering the SNS event to the failover handler in-process (${options.handler})`);
      deliver("us-east-1 alarm", await invokeHandler(config, "failover", resolve(options.handler), event));
    }
    // detection from B until the incident completes: each played minute runs the probe, evaluates
    // its alarm, delivers the alarm's SNS event on a change to ALARM, and runs the re-evaluation
    const detectionFromB = async () => {
      const bundles = { probe: resolve(options.probeHandler), failover: resolve(options.handler) };
      while (loss && !interrupted && Date.now() < t0 + deadlineMs) {
        const minute = await playProbeMinute(harness, config, bundles);
        // the probe's direct notification is the trigger from B, ahead of its alarm
        for (const n of minute.notifications) {
          times.alarm ??= n.startedAt;
          deliver("probe notification", n);
        }
        if (minute.alarm?.StateValue === "ALARM") {
          times.alarm ??= minute.alarm.StateTransitionedTimestamp?.getTime() ?? Date.now();
          log(
            `probe alarm ${minute.alarm.AlarmName}: ALARM (evaluated by the harness on the probe's datapoints)`,
          );
        }
        if (minute.delivery) deliver("probe alarm", minute.delivery);
        deliver("re-evaluation", minute.reevaluation);
        if ((await lock.read(config.deployment))?.state === "completed") return;
        await sleep(250);
      }
    };
    const detection = detectionFromB();

    const probes = apiProbes(clients, config, lock, t0);
    const watched: Record<string, MilestoneProbe> = {
      latched: probes.latched as MilestoneProbe,
      capacity: probes.capacity as MilestoneProbe,
      targets: {
        name: "targets healthy",
        source:
          "B's target group (emulator) and B's app /healthz 200 (the harness plays the ALB health check)",
        probe: async () =>
          (await (probes.targets as MilestoneProbe).probe()) &&
          (await appHealthy(stack.apps.backup, "/healthz"))
            ? Date.now()
            : undefined,
      },
      dns: {
        name: "DNS answering B",
        source: "local resolver: Route 53's failover rule over the emulator's records and health",
        probe: async () =>
          (await resolveLocal(harness, config, stack)).role === "SECONDARY" ? Date.now() : undefined,
      },
    };
    const names: Record<string, string> = Object.fromEntries(
      Object.entries(watched).map(([k, p]) => [k, p.name]),
    );
    const reached = await watchMilestones(watched, {
      deadline: t0 + deadlineMs,
      intervalMs: 100,
      onReached: (k, at) => log(`${names[k]} (+${((at - t0) / 1000).toFixed(1)}s)`),
      done: () => interrupted !== undefined,
    });
    Object.assign(times, reached);
    await detection;
    writeFileSync(
      join(options.stateDir, "failover-function.log"),
      `${deliveries.flatMap((d) => d.invocation.logLines).join("\n")}\n`,
    );
    const lostRegions = loss ? passedToLost(await restoreRegions(endpoint), loss) : [];
    if (firstAnswerB !== undefined && (times.dns === undefined || firstAnswerB < times.dns))
      times.dns = firstAnswerB;
    await promotionPlay;
    times.promotionStarted = promotion?.seenAt;
    times.promotionFinished = promotion?.promotedAt;

    await drill.finished(
      "watch",
      "done",
      `${Object.keys(reached).length} of ${Object.keys(watched).length} milestones reached`,
    );
    await stopIfInterrupted();
    ended = await endDrill(endEnv);
    await sleep(Number(options.after) * 1000);
    await load.stop();
    const firstBWrite = load.records.find(
      (r) => r.at >= t0 && r.side === "backup" && r.op === "write" && r.ok,
    );
    times.firstWriteB = firstBWrite ? firstBWrite.at + firstBWrite.ms : undefined;
    log(`load stopped: ${load.records.length} requests, ${load.ledger.length} writes acknowledged`);

    const before = load.ledger.filter((w) => w.at < t0);
    const dnsNow = await resolveLocal(harness, config, stack);
    const check = await verifyLedger(dnsNow.app.url, before);
    const record = await lock.read(config.deployment);

    const restored = restoredAt(times);
    const switchEnd = restored ?? Number.POSITIVE_INFINITY;
    // a request belongs to the phase in which it ended: one in flight when P stopped failed in the switch
    const slice = (from: number, to: number) =>
      load.records.filter((r: RequestRecord) => r.at + r.ms >= from && r.at + r.ms < to);
    const recovery = restored === undefined ? undefined : (restored - t0) / 1000;
    const model = rtoModel(rtoInputsFromConfig(config)).scenarios[loss?.scenario ?? "primary-lost"];

    const failedRuns = deliveries.filter((d) => d.invocation.error !== undefined);
    expect(
      "failover function completed",
      failedRuns.length === 0 && record?.state === "completed",
      `${deliveries
        .map(
          (d) =>
            `${d.trigger}: ${
              d.invocation.error ??
              outcomes(d.invocation)
                .map((o) => o.outcome)
                .join(",")
            }`,
        )
        .join("; ")}; incident ${record?.state}`,
    );
    const incidents = new Set(
      deliveries.flatMap((d) => outcomes(d.invocation).flatMap((o) => (o.incidentId ? [o.incidentId] : []))),
    );
    expect(
      "every trigger's deliveries made one incident",
      incidents.size === 1,
      `${deliveries.length} deliveries, incidents ${[...incidents].join(", ") || "none"}`,
    );
    for (const lost of lostRegions) {
      expect(
        `no request of the programs to the lost ${lost.region} got through`,
        lost.passed === 0,
        `${lost.passed} passed, ${lost.refused} refused by the fault proxy`,
      );
    }
    expect(
      "B's database promoted (source link dropped, local replica writable)",
      promotion !== undefined,
      promotionError ?? `${config.backup.db.instanceId} standalone`,
    );
    expect(
      "the latch object written in B",
      times.latched !== undefined,
      times.latched ? `s3://${config.dns.latch.bucket}/${config.dns.latch.key} reads back` : "absent",
    );
    expect(
      "B's capacity InService",
      times.capacity !== undefined,
      `${config.backup.asg.failoverCapacity.desired} InService in ${config.backup.asg.name}`,
    );
    expect("DNS answers B", times.dns !== undefined, `${dnsNow.role} ${dnsNow.target} (${dnsNow.reason})`);
    // The SECONDARY's check is latch set OR B answers: with P unhealthy, B's group at 0 (its ALB
    // answers 503) and no latch, both records are unhealthy and Route 53 answers P, so B can be
    // answered only after the failover latched or scaled B up. Earlier means B held targets at rest
    // (a failback left them) or a latch stood.
    const since = (ms: number | undefined) =>
      ms === undefined ? "-" : `+${((ms - t0) / 1000).toFixed(1)} s`;
    expect(
      "DNS answers B only after the failover ran (B at rest has no healthy target)",
      times.dns !== undefined && times.invoked !== undefined && times.dns >= times.invoked,
      `DNS answering B ${since(times.dns)}, failover invoked ${since(times.invoked)}`,
    );
    if (promotionSeconds > 0) {
      // the model's max(promote, capacity + dns): Route 53 answers B once B's targets are healthy,
      // while the promotion still runs (src/core/rto.ts)
      expect(
        "DNS answers B before a slow promotion completes (the model overlaps them)",
        times.dns !== undefined &&
          times.promotionFinished !== undefined &&
          times.dns < times.promotionFinished,
        `DNS answering B ${since(times.dns)}, promotion finished ${since(times.promotionFinished)}`,
      );
    }
    expect(
      "recovery within the model's worst case",
      recovery !== undefined && recovery <= model.cases.worst.total,
      `${recovery?.toFixed(1) ?? "-"} s measured, worst case ${model.cases.worst.total} s`,
    );
    expect(
      "every write acknowledged before the failure is readable after it",
      check.missing.length === 0 && before.length > 0,
      `${before.length - check.missing.length}/${before.length} readable through the DNS name`,
    );
    const after = slice(switchEnd, Number.POSITIVE_INFINITY);
    const afterStats = loadStats(after);
    expect(
      "requests succeed through the DNS name after the switch",
      afterStats.requests > 0 && afterStats.failed === 0,
      `${afterStats.ok}/${afterStats.requests} ok`,
    );
    const beforeStats = loadStats(slice(0, t0));
    expect(
      "no request failed before the failure",
      beforeStats.requests > 0 && beforeStats.failed === 0,
      `${beforeStats.ok}/${beforeStats.requests} ok`,
    );
    expect(
      "failover record completed, marked as a drill",
      record?.state === "completed" && record.drill === true,
      `state ${record?.state}, drill ${record?.drill}`,
    );

    const at = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const milestone = (name: string, ms: number | undefined, source: string): Milestone => ({
      name,
      ...(ms === undefined ? {} : { at: at(ms), sinceFailureMs: ms - t0 }),
      source,
    });
    const milestones = [
      milestone(
        "failure injected",
        t0,
        loss
          ? `harness: P's app stopped, ${loss.regions.join(" and ")} refused by the fault proxy`
          : "harness: P's app stopped, Route 53's checkers report P failing (played)",
      ),
      milestone(
        "alarm in ALARM",
        times.alarm,
        "harness: SetAlarmState (StateTransitionedTimestamp), the first trigger",
      ),
      milestone("failover function invoked", times.invoked, "harness: the first delivery, in-process"),
      milestone(
        "promotion started",
        times.promotionStarted,
        "emulator: replica without its source link (PromoteReadReplica arrived)",
      ),
      milestone("all actions issued (function returned)", times.actionsIssued, "handler result"),
      milestone("latch written", times.latched, watched.latched?.source ?? ""),
      milestone("capacity InService", times.capacity, watched.capacity?.source ?? ""),
      milestone(
        "promotion finished",
        times.promotionFinished,
        "harness: local PostgreSQL replica promoted (pg_promote)",
      ),
      milestone("targets healthy", times.targets, watched.targets?.source ?? ""),
      milestone("DNS answering B", times.dns, watched.dns?.source ?? ""),
      milestone("first write acknowledged by B", times.firstWriteB, "load loop"),
    ].sort(
      (a, b) =>
        (a.sinceFailureMs ?? Number.POSITIVE_INFINITY) - (b.sinceFailureMs ?? Number.POSITIVE_INFINITY),
    );

    const report: DrillReport = {
      ...drillEvidence(
        config,
        loss
          ? `${loss.scenario}: ${loss.regions.join(" and ")} lost (the fault proxy refused every request of the programs to them) and P's app stopped; the failover ran end to end against the local emulator`
          : "P lost: P's app stopped, so Route 53's checkers (played) see P down; the failover ran end to end against the local emulator",
      ),
      mode: "local",
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date().toISOString(),
      failureInjectedAt: new Date(t0).toISOString(),
      method: [
        "the emulator (moto) holds every AWS resource Terraform created; the real failover handler (the bundle Terraform deployed) ran in-process with the function's environment",
        ...(loss
          ? [
              `${loss.regions.join(" and ")} lost: the fault proxy in front of the emulator refused every request of the programs (CLI, failover, probe) whose SigV4 scope names them; P's app instance stopped`,
              "played by the harness, which no region loss takes away: Route 53's checkers' verdict on P (P's endpoint check reporting failure: moto's checkers always report Success), the health-signal name servers, the probe's schedule and its alarm's evaluation, the SNS deliveries, the re-evaluation schedule",
            ]
          : [
              "P failed for real: its app instance stopped, so users see P down; played by the harness: Route 53's checkers' verdict on P (P's endpoint check reporting failure: moto's checkers always report Success); a drill record in B's lock table marked the failover a drill",
            ]),
        `played by the harness: ${loss?.regions.includes(config.dns.alarm.region) ? "" : `the ${config.dns.alarm.region} alarm's state (SetAlarmState) and its SNS delivery, `}the data side of the promotion (local PostgreSQL pg_promote once PromoteReadReplica reached the emulator), the ALB health check (the local app's /healthz)`,
        "the reference app ran twice on loopback (P's and B's instances) against a real PostgreSQL 15 primary and its streaming replica",
        `a load loop wrote and read through "the DNS name", resolved like Route 53 from the emulator's state, every 100 ms`,
      ],
      milestones,
      ...(recovery === undefined ? {} : { recoverySeconds: recovery }),
      model,
      comparison: comparison(model, times, t0, true),
      load: {
        total: loadStats(load.records),
        beforeFailure: beforeStats,
        duringSwitch: loadStats(slice(t0, switchEnd)),
        afterSwitch: afterStats,
        userVisibleGapMs: userVisibleGapMs(load.records),
      },
      rpo: {
        writesAckedBeforeFailure: before.length,
        readableAfter: before.length - check.missing.length,
        missing: check.missing.map((w) => String(w.id)),
      },
      failoverRecord: record ?? null,
      expectations,
      passed: expectations.every((e) => e.ok),
    };
    writeFileSync(join(options.stateDir, "ledger.json"), JSON.stringify(load.ledger));
    return report;
  }
}
