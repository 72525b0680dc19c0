import type { DeploymentConfig } from "../../core/config.js";
import { errorCode } from "../shared/errors.js";
import { armDeployment, seenHealthy } from "../shared/incident.js";
import type { LoggerLike } from "../shared/observability.js";
import { silentLogger } from "../shared/observability.js";
import type { CheckName, CheckResult } from "./checks.js";
import * as check from "./checks.js";
import type { ReadinessPorts } from "./ports.js";

export interface ReadinessReport {
  deployment: string;
  at: string;
  /** True when no check failed (warnings do not block). */
  ready: boolean;
  checks: CheckResult[];
}

/**
 * An API the emulator does not implement: moto answers an HTML "500 Internal Server Error" page
 * (which AWS never sends) or a NotImplemented error. Only when an endpoint override is set; on AWS
 * the same answer is a failure.
 */
function notImplemented(error: unknown, emulated: boolean): boolean {
  const message = (error as Error)?.message ?? "";
  if (errorCode(error) === "NotImplemented" || /not (been )?implemented/i.test(message)) return true;
  const sdk = ((error as Error)?.cause ?? error) as { $metadata?: { httpStatusCode?: number } };
  return (
    emulated && sdk.$metadata?.httpStatusCode === 500 && /parse error|Deserialization error/i.test(message)
  );
}

/** A check whose facts could not be gathered: fails (AccessDenied says which role), or warns for an API the emulator lacks. */
function unavailable(name: CheckName, error: unknown, emulated: boolean): CheckResult {
  const code = errorCode(error);
  const message = (error as Error)?.message ?? String(error);
  if (notImplemented(error, emulated)) {
    return {
      name,
      verdict: "warn",
      detail: `could not check: the API is not implemented here (${code}: ${message})`,
    };
  }
  const fix = /AccessDenied|NotAuthorized|Unauthorized/i.test(code)
    ? "grant the readiness function's role the read permission named above (terraform/modules/readiness)"
    : "retry; if it persists, check the service's health in the backup region";
  return { name, verdict: "fail", detail: `could not check: ${code}: ${message}`, fix };
}

async function guarded(
  names: CheckName[],
  emulated: boolean,
  run: () => Promise<CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    return await run();
  } catch (error) {
    return names.map((n) => unavailable(n, error, emulated));
  }
}

/**
 * Runs every readiness check concurrently, and arms the failover when P is seen healthy (the
 * armed marker lives in the lock table). The CLI's `readiness` prints the same report.
 *
 * @example const report = await runReadiness(createReadinessPorts(config), config);
 */
export async function runReadiness(
  ports: ReadinessPorts,
  config: DeploymentConfig,
  options: { logger?: LoggerLike; arm?: boolean; by?: string; endpointOverride?: string } = {},
): Promise<ReadinessReport> {
  const log = options.logger ?? silentLogger;
  const emulated = Boolean(options.endpointOverride ?? process.env.AWS_ENDPOINT_URL);
  const fn = ports.detection.function(config.failover.functionName);
  const group = ports.capacity.describe(config.backup.asg.name);
  const db = ports.database.describe(config.backup.db.instanceId);
  const hc = ports.healthCheck.describe(config.dns.healthCheckId);
  const template = group.then((g) =>
    g?.launchTemplateId
      ? ports.launch.template(g.launchTemplateId, g.launchTemplateVersion ?? "$Default")
      : undefined,
  );
  // settle the shared promises once so a rejection is handled by every check that awaits it
  for (const p of [fn, group, db, hc, template]) p.catch(() => undefined);

  const groups = await Promise.all([
    guarded(["replica-exists", "replica-replicating"], emulated, async () => {
      const state = await db;
      return [check.replicaExists(state, config), check.replicaReplicating(state)];
    }),
    guarded(["replica-lag"], emulated, async () => [
      check.replicaLag(
        await ports.database.replicaLagSeconds(config.backup.db.instanceId),
        config.thresholds.replicaLagSecondsMax,
      ),
    ]),
    guarded(["backup-asg"], emulated, async () => [check.backupGroup(await group, config)]),
    guarded(["launch-template"], emulated, async () => [check.launchTemplate(await template, config)]),
    guarded(["ami-parameter"], emulated, async () => [
      check.amiParameter(
        await ports.launch.parameter(config.backup.amiParameter),
        config.backup.amiParameter,
      ),
    ]),
    guarded(["failover-permissions"], emulated, async () => {
      const f = await fn;
      const g = await group.catch(() => undefined);
      const denied = f?.roleArn
        ? await ports.permissions.denied(f.roleArn, check.requiredFailoverPermissions(config, g?.arn))
        : [];
      return [check.failoverPermissions(f, denied, config)];
    }),
    guarded(["health-check"], emulated, async () => [check.healthCheck(await hc, config)]),
    guarded(["latch", "latch-holds"], emulated, async () => {
      const [record, signal] = await Promise.all([ports.latch.read(), ports.latchSignal()]);
      return [check.latch(record, config), check.latchHolds(record, signal, config)];
    }),
    guarded(["latch-policy"], emulated, async () => {
      // a fetch failure of ip-ranges.json warns; the bucket policy's read is an AWS call like any
      const [cidrs, published] = await Promise.all([
        ports.latchPolicy.checkerCidrs(),
        ports.latchPolicy.publishedCheckerCidrs().catch((error: Error) => error.message),
      ]);
      return [check.latchPolicy(cidrs, published, config)];
    }),
    guarded(["alarm"], emulated, async () => [
      check.alarm(await ports.detection.alarm(config.dns.alarm.name), config),
    ]),
    guarded(["alarm-subscription"], emulated, async () => [
      check.alarmSubscription(
        await ports.detection.subscriptions(config.dns.alarm.topicArn),
        await fn.catch(() => undefined),
        config,
      ),
    ]),
    guarded(["capacity-quota"], emulated, async () => {
      const t = await template;
      const [quota, vcpus] = await Promise.all([
        ports.quota.onDemandStandardVcpus(),
        t?.instanceType ? ports.launch.vcpus(t.instanceType) : Promise.resolve(undefined),
      ]);
      return [check.capacityQuota(quota, vcpus, config)];
    }),
    guarded(["armed"], emulated, async () => {
      const healthy = seenHealthy(await hc);
      if (healthy && options.arm !== false) {
        const armedNow = await armDeployment(
          ports.lock,
          config.deployment,
          options.by ?? "readiness",
          ports.clock.now(),
        );
        log.info(
          armedNow ? "P seen healthy: failover armed" : "P seen healthy; an incident is open, not re-armed",
        );
      }
      return [check.armed(await ports.lock.read(config.deployment), healthy)];
    }),
  ]);
  const checks = groups
    .flat()
    .sort((a, b) => check.CHECK_NAMES.indexOf(a.name) - check.CHECK_NAMES.indexOf(b.name));
  return {
    deployment: config.deployment,
    at: new Date(ports.clock.now()).toISOString(),
    ready: checks.every((c) => c.verdict !== "fail"),
    checks,
  };
}
