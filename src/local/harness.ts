import { pathToFileURL } from "node:url";
import {
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetHealthCheckCommand } from "@aws-sdk/client-route-53";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Clients } from "../aws/clients.js";
import { apiObservations, type CheckerObservations, latchObjectResponse, readDnsState } from "../aws/dns.js";
import type { DeploymentConfig } from "../core/config.js";
import { configParameterName } from "../core/config-source.js";
import {
  answerFromState,
  type DnsAnswer,
  healthCheckStatus,
  healthSignalAnswer,
  latchCheckHealthy,
  latchSignalAnswer,
  normaliseDnsName,
} from "../core/route53.js";
import { PROBE_DIMENSION, PROBE_METRICS, PROBE_NAMESPACE } from "../functions/probe/metrics.js";
import type { ProbeReport } from "../functions/probe/run.js";
import { latchPortFor } from "../functions/shared/aws-ports.js";
import { type LocalNameServer, startLocalNameServer } from "./dns-server.js";
import { promoteServer } from "./pg-control.js";
import { type AppInstance, appHealthy, type LocalStack } from "./stack.js";

/**
 * What the emulator does not do, played by the harness, in the open (README "Local mode and the emulator"):
 * health checks never probe, alarms never evaluate or act, Lambda code does not run, RDS
 * promotion moves no data, and ALB health checks never probe their targets.
 */

/**
 * Creates the primary-health alarm the way the dns module defines it on AWS (the local example
 * gates it off: the provider's CloudWatch protocol is not served by the emulator).
 */
export async function ensureAlarm(clients: Clients, config: DeploymentConfig): Promise<void> {
  const cw = clients.cloudWatch(config.dns.alarm.region);
  const existing = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [config.dns.alarm.name] }));
  if (existing.MetricAlarms?.length) return;
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: config.dns.alarm.name,
      AlarmDescription: `${config.deployment}: the primary region's health check is failing`,
      Namespace: "AWS/Route53",
      MetricName: "HealthCheckStatus",
      Dimensions: [{ Name: "HealthCheckId", Value: config.dns.healthCheckId }],
      Statistic: "Minimum",
      Period: config.dns.alarm.periodSeconds,
      EvaluationPeriods: config.dns.alarm.evaluationPeriods,
      DatapointsToAlarm: config.dns.alarm.evaluationPeriods,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
      AlarmActions: [config.dns.alarm.topicArn],
      OKActions: [config.dns.alarm.topicArn],
    }),
  );
}

/**
 * Sets the alarm's state as CloudWatch would after its evaluation periods (ALARM when P fails, OK
 * once P is healthy again); returns the alarm as stored.
 */
export async function setAlarm(
  clients: Clients,
  config: DeploymentConfig,
  reason: string,
  state: "ALARM" | "OK" = "ALARM",
): Promise<MetricAlarm> {
  const cw = clients.cloudWatch(config.dns.alarm.region);
  await cw.send(
    new SetAlarmStateCommand({ AlarmName: config.dns.alarm.name, StateValue: state, StateReason: reason }),
  );
  const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [config.dns.alarm.name] }));
  const alarm = out.MetricAlarms?.[0];
  if (!alarm) throw new Error(`alarm ${config.dns.alarm.name} vanished after SetAlarmState`);
  return alarm;
}

/** CloudWatch's notification time format: 2026-11-26T00:53:38.123+0000. */
function cloudWatchTime(d: Date | undefined): string {
  return (d ?? new Date()).toISOString().replace("Z", "+0000");
}

const REGION_NAMES: Record<string, string> = { "us-east-1": "US East (N. Virginia)" };

/** The topic an alarm of this deployment notifies, and the region it lives in. */
function alarmTopic(
  alarmName: string | undefined,
  config: DeploymentConfig,
): { topicArn: string; region: string } {
  const alarm = alarmName === config.probe.alarm.name ? config.probe.alarm : config.dns.alarm;
  return { topicArn: alarm.topicArn, region: alarm.region };
}

/**
 * CloudWatch's alarm notification (the SNS Message) for one of this deployment's alarms (the
 * us-east-1 alarm or the probe alarm in B), from the alarm as DescribeAlarms returns it: the same
 * fields, formats and nesting AWS sends. The one builder: the tests (test/fixtures/alarm.ts) use it.
 */
export function alarmNotification(alarm: MetricAlarm, config: DeploymentConfig, oldState = "OK") {
  const { topicArn, region: alarmRegion } = alarmTopic(alarm.AlarmName, config);
  return {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: topicArn.split(":")[4],
    AlarmConfigurationUpdatedTimestamp: cloudWatchTime(alarm.AlarmConfigurationUpdatedTimestamp),
    NewStateValue: alarm.StateValue ?? "ALARM",
    NewStateReason: alarm.StateReason,
    StateChangeTime: cloudWatchTime(alarm.StateTransitionedTimestamp),
    Region: REGION_NAMES[alarmRegion] ?? alarmRegion,
    AlarmArn: alarm.AlarmArn,
    OldStateValue: oldState,
    OKActions: alarm.OKActions ?? [],
    AlarmActions: alarm.AlarmActions ?? [],
    InsufficientDataActions: alarm.InsufficientDataActions ?? [],
    Trigger: {
      MetricName: alarm.MetricName,
      Namespace: alarm.Namespace,
      StatisticType: "Statistic",
      Statistic: (alarm.Statistic ?? "Minimum").toUpperCase(),
      Unit: null,
      Dimensions: (alarm.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
      Period: alarm.Period,
      EvaluationPeriods: alarm.EvaluationPeriods,
      DatapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
      ComparisonOperator: alarm.ComparisonOperator,
      Threshold: alarm.Threshold,
      TreatMissingData: alarm.TreatMissingData ?? "missing",
      EvaluateLowSampleCountPercentile: "",
    },
  };
}

/** The Lambda event SNS delivers for one message (AWS's documented SNS event), `message` as the Message string. */
export function snsLambdaEvent(
  topicArn: string,
  message: string,
  options: { subscriptionArn?: string; messageId?: string; subject?: string | null } = {},
) {
  const snsHost = `https://sns.${topicArn.split(":")[3]}.amazonaws.com`;
  const subscriptionArn = options.subscriptionArn ?? `${topicArn}:${crypto.randomUUID()}`;
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: "Notification",
          MessageId: options.messageId ?? crypto.randomUUID(),
          TopicArn: topicArn,
          Subject: options.subject ?? null,
          Message: message,
          Timestamp: new Date().toISOString(),
          SignatureVersion: "1",
          Signature: "bG9jYWwtaGFybmVzcw==",
          SigningCertUrl: `${snsHost}/SimpleNotificationService-local.pem`,
          UnsubscribeUrl: `${snsHost}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}

/**
 * The SNS event AWS delivers to the failover function when one of this deployment's alarms
 * changes state: the Lambda SNS envelope around CloudWatch's alarm notification.
 */
export function alarmSnsEvent(
  alarm: MetricAlarm,
  config: DeploymentConfig,
  subscriptionArn: string,
  messageId: string = crypto.randomUUID(),
  oldState = "OK",
) {
  const notification = alarmNotification(alarm, config, oldState);
  return snsLambdaEvent(alarmTopic(alarm.AlarmName, config).topicArn, JSON.stringify(notification), {
    subscriptionArn,
    messageId,
    subject: `${notification.NewStateValue}: "${alarm.AlarmName}" in ${notification.Region}`.slice(0, 100),
  });
}

/** The ARN of the function's subscription to an alarm's topic (what the event names); default the us-east-1 alarm's. */
export async function functionSubscriptionArn(
  config: DeploymentConfig,
  alarmName: string = config.dns.alarm.name,
): Promise<string> {
  const { topicArn, region } = alarmTopic(alarmName, config);
  const sns = new SNSClient({ region });
  const out = await sns
    .send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))
    .catch(() => undefined);
  const sub = out?.Subscriptions?.find(
    (s) => s.Protocol === "lambda" && s.Endpoint?.includes(config.failover.functionName),
  );
  return sub?.SubscriptionArn ?? `${topicArn}:local-harness`;
}

export interface Invocation {
  startedAt: number;
  finishedAt: number;
  result?: unknown;
  error?: string;
  /** What the function wrote (Powertools JSON logs and EMF metrics), line by line. */
  logLines: string[];
}

type Handler = (event: unknown, context: object) => Promise<unknown>;
const loaded = new Map<string, Handler>();

/** The functions whose bundles the harness runs: failover.zip and probe.zip (scripts/build.mjs). */
export type BundledFunction = "failover" | "probe";

const functionName = (config: DeploymentConfig, fn: BundledFunction) =>
  fn === "failover" ? config.failover.functionName : config.probe.functionName;

/**
 * Invokes a bundled handler (the file Terraform zipped) in-process, with the environment
 * Terraform set on the function and what Lambda adds (AWS_REGION, function name): the failover
 * function on an SNS or schedule event, the probe on its schedule's. The function's stdout (its
 * logs and metrics) is captured, so the CLI's own stdout stays data.
 */
export async function invokeHandler(
  config: DeploymentConfig,
  which: BundledFunction,
  bundle: string,
  event: unknown,
): Promise<Invocation> {
  const name = functionName(config, which);
  const fn = await new LambdaClient({ region: config.backup.region })
    .send(new GetFunctionConfigurationCommand({ FunctionName: name }))
    .catch(() => undefined);
  const env: Record<string, string> = {
    // the module's defaults when the function is absent (integration fixtures create none)
    PILOTLIGHT_CONFIG_PARAMETER: configParameterName(config.deployment),
    POWERTOOLS_SERVICE_NAME: `pilotlight-${which}`,
    POWERTOOLS_METRICS_NAMESPACE: "Pilotlight",
    ...(fn?.Environment?.Variables ?? {}),
    AWS_REGION: config.backup.region,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn?.MemorySize ?? 256),
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const logLines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    logLines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  const startedAt = Date.now();
  try {
    let handler = loaded.get(bundle);
    if (!handler) {
      handler = ((await import(pathToFileURL(bundle).href)) as { handler: Handler }).handler;
      loaded.set(bundle, handler);
    }
    const context = {
      functionName: name,
      functionVersion: "$LATEST",
      invokedFunctionArn: fn?.FunctionArn ?? config.failover.functionName,
      memoryLimitInMB: String(fn?.MemorySize ?? 256),
      awsRequestId: crypto.randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, (fn?.Timeout ?? 60) * 1000 - (Date.now() - startedAt)),
    };
    const result = await handler(event, context);
    return { startedAt, finishedAt: Date.now(), result, logLines };
  } catch (err) {
    return {
      startedAt,
      finishedAt: Date.now(),
      error: `${(err as Error).name}: ${(err as Error).message}`,
      logLines,
    };
  } finally {
    process.stdout.write = write;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export interface PromotionPlayed {
  /** When the emulator first showed the replica without its source link (PromoteReadReplica arrived). */
  seenAt: number;
  /** When the local PostgreSQL replica accepted writes. */
  promotedAt: number;
}

/**
 * Waits for the handler's PromoteReadReplica to reach the emulator (the patched model drops the
 * source link), then promotes the local PostgreSQL replica: the data side of the promotion.
 */
export async function playPromotion(
  clients: Clients,
  config: DeploymentConfig,
  stack: LocalStack,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PromotionPlayed> {
  const rds = clients.rds(config.backup.region);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: config.backup.db.instanceId }),
    );
    if (!out.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier) break;
    if (Date.now() > deadline || signal?.aborted) {
      throw new Error(
        `${config.backup.db.instanceId} still names its source after ${timeoutMs} ms: no PromoteReadReplica arrived`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const seenAt = Date.now();
  await promoteServer(stack.creds, stack.db.backup);
  return { seenAt, promotedAt: Date.now() };
}

export interface LocalAnswer extends DnsAnswer {
  /** The app instance behind the answered ALB. */
  app: AppInstance;
}

/**
 * "The DNS name" answered as Route 53 would, from the emulator's records and health checks, with
 * the checkers the harness plays (`localObservations`): the PRIMARY's calculated check is healthy
 * only while P's endpoint check is and the latch object is absent. The emulator's target health is
 * canned ("healthy" once registered), so with a local stack the harness plays the ALB's health
 * check too, on the target group's shallow path: a target group counts its healthy targets only
 * while the region's app instance answers /healthz with 200. Without a stack (integration tests
 * on the fixture deployment) the emulator's targets decide.
 */
export async function answerLocal(
  clients: Clients,
  config: DeploymentConfig,
  stack?: LocalStack,
): Promise<DnsAnswer> {
  const apps = stack ? [stack.apps.primary, stack.apps.backup] : [];
  const [state, ...healthy] = await Promise.all([
    readDnsState(
      clients,
      config,
      latchPortFor(clients, config).read,
      localObservations(clients, config, stack),
    ),
    ...apps.map((app) => appHealthy(app, "/healthz")),
  ]);
  apps.forEach((app, i) => {
    if (!healthy[i]) state.healthyTargets[app.albDnsName] = 0;
  });
  return answerFromState(state);
}

/** `answerLocal` with the app instance behind the answered ALB: what the local load loop calls. */
export async function resolveLocal(
  clients: Clients,
  config: DeploymentConfig,
  stack: LocalStack,
): Promise<LocalAnswer> {
  const answer = await answerLocal(clients, config, stack);
  const app = [stack.apps.primary, stack.apps.backup].find((a) => a.albDnsName === answer.target);
  if (!app) throw new Error(`the DNS answer ${answer.target} is neither region's ALB`);
  return { ...answer, app };
}

/**
 * Creates the probe alarm the way terraform/modules/probe defines it on AWS (the local example
 * gates it off like the us-east-1 alarm).
 */
export async function ensureProbeAlarm(clients: Clients, config: DeploymentConfig): Promise<void> {
  const { alarm } = config.probe;
  const cw = clients.cloudWatch(alarm.region);
  const existing = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.name] }));
  if (existing.MetricAlarms?.length) return;
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: alarm.name,
      AlarmDescription: `${config.deployment}: the probe in the backup region sees the primary region's /health failing`,
      Namespace: PROBE_NAMESPACE,
      MetricName: PROBE_METRICS.probe,
      Dimensions: [{ Name: PROBE_DIMENSION, Value: config.deployment }],
      Statistic: "Minimum",
      Period: alarm.periodSeconds,
      EvaluationPeriods: alarm.evaluationPeriods,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "missing",
      AlarmActions: [alarm.topicArn],
      OKActions: [alarm.topicArn],
    }),
  );
}

/**
 * The probe alarm's evaluation, as CloudWatch makes it with treat_missing_data "missing": over the
 * last `periods` one-minute periods' Minimum, ALARM when every period has a datapoint below 1, OK
 * when the latest is 1, no change without data (missing data is not considered). Simplified: on
 * AWS a partly missing window looks further back; the harness's probe publishes every run.
 */
export function probeAlarmVerdict(
  minimums: ReadonlyArray<{ at: number; minimum: number }>,
  periods: number,
): "ALARM" | "OK" | undefined {
  const latest = [...minimums].sort((a, b) => b.at - a.at);
  if (latest.length === 0) return undefined;
  if (latest.length >= periods && latest.slice(0, periods).every((d) => d.minimum < 1)) return "ALARM";
  return (latest[0] as { minimum: number }).minimum >= 1 ? "OK" : undefined;
}

/**
 * Plays CloudWatch's evaluation of the probe alarm: reads the probe's datapoints back from the
 * emulator (GetMetricStatistics), decides (probeAlarmVerdict) and sets the state with
 * SetAlarmState. Returns the alarm when it changed state (an alarm action fires only then), so the
 * caller delivers its SNS event (alarmSnsEvent) to the failover handler.
 */
export async function evaluateProbeAlarm(
  clients: Clients,
  config: DeploymentConfig,
  now: Date = new Date(),
): Promise<MetricAlarm | undefined> {
  const { alarm } = config.probe;
  const cw = clients.cloudWatch(alarm.region);
  const out = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: PROBE_NAMESPACE,
      MetricName: PROBE_METRICS.probe,
      Dimensions: [{ Name: PROBE_DIMENSION, Value: config.deployment }],
      StartTime: new Date(now.getTime() - (alarm.evaluationPeriods + 1) * alarm.periodSeconds * 1000),
      EndTime: new Date(now.getTime() + 1000),
      Period: alarm.periodSeconds,
      Statistics: ["Minimum"],
    }),
  );
  const minimums = (out.Datapoints ?? []).flatMap((d) =>
    d.Timestamp && d.Minimum !== undefined ? [{ at: d.Timestamp.getTime(), minimum: d.Minimum }] : [],
  );
  const verdict = probeAlarmVerdict(minimums, alarm.evaluationPeriods);
  const current = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.name] }))).MetricAlarms?.[0];
  if (!verdict || current?.StateValue === verdict) return undefined;
  await cw.send(
    new SetAlarmStateCommand({
      AlarmName: alarm.name,
      StateValue: verdict,
      StateReason: `local harness: ${minimums.length} datapoint(s) of ${PROBE_METRICS.probe}, latest minimum ${minimums.at(-1)?.minimum}`,
    }),
  );
  return (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.name] }))).MetricAlarms?.[0];
}

/** The re-evaluation schedule's event (terraform/modules/probe, rule `<name>-reevaluate`). */
export function reevaluationEvent(config: DeploymentConfig): unknown {
  return { pilotlight: "reevaluate", deployment: config.deployment };
}

/** EventBridge's scheduled event, as the probe's rule delivers it (the probe ignores its content). */
export function scheduledEvent(config: DeploymentConfig): unknown {
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    region: config.backup.region,
    resources: [],
    detail: {},
  };
}

/**
 * Route 53's checkers as the harness plays them (the emulator's observations are a canned
 * "Success"): P's endpoint check passes while the emulator's observation does and P's app answers
 * the deep /health; B's endpoint check (the shallow /healthz of B's ALB) while the emulator's
 * observation does and B's ALB has a target that answers it: B's target group holds a healthy
 * target in the emulator and, with a local stack, B's app answers /healthz (an ALB with no target
 * answers 503). Any other check keeps the emulator's observation. The latch checks need no
 * playing: `readDnsState` reads them from the latch object in B, as their checkers do.
 */
export function localObservations(
  clients: Clients,
  config: DeploymentConfig,
  stack?: LocalStack,
): CheckerObservations {
  const api = apiObservations(clients);
  const backupAlbAnswers = async () => {
    const health = await clients
      .elbv2(config.backup.region)
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: config.backup.alb.targetGroupArn }));
    const targets = (health.TargetHealthDescriptions ?? []).filter(
      (t) => t.TargetHealth?.State === "healthy",
    );
    return targets.length > 0 && (stack ? appHealthy(stack.apps.backup, "/healthz") : true);
  };
  return async (id) => {
    const played =
      id === config.dns.healthCheckId
        ? stack
          ? appHealthy(stack.apps.primary, "/health")
          : Promise.resolve(true)
        : id === config.dns.backupHealthCheckId
          ? backupAlbAnswers()
          : Promise.resolve(true);
    const [canned, up] = await Promise.all([api(id), played]);
    return canned && up;
  };
}

/** P's endpoint check as Route 53 routes on it: its settings and the checkers the harness plays. */
export async function endpointCheckHealthy(
  clients: Clients,
  config: DeploymentConfig,
  stack?: LocalStack,
): Promise<boolean> {
  const id = config.dns.healthCheckId;
  const [hc, observed] = await Promise.all([
    clients.route53().send(new GetHealthCheckCommand({ HealthCheckId: id })),
    localObservations(clients, config, stack)(id),
  ]);
  const settings = hc.HealthCheck?.HealthCheckConfig;
  return healthCheckStatus(observed, {
    disabled: settings?.Disabled ?? false,
    inverted: settings?.Inverted ?? false,
  });
}

/**
 * Route 53's name servers for the local zone: on every loopback ip:port of
 * config.dns.healthSignal.nameServers (examples/local: 127.0.0.1:8053), a name server answering
 * the health-signal and latch-signal TXT pairs from the emulator's state by Route 53's failover
 * rule (the latch check's checkers played from the latch object, as `readDnsState` does).
 */
export async function startHealthSignalServers(
  clients: Clients,
  config: DeploymentConfig,
  stack?: LocalStack,
): Promise<LocalNameServer[]> {
  const signalName = normaliseDnsName(config.dns.healthSignal.name);
  // Route 53's name servers answer from the check's current status, not by checking per query:
  // queries that arrive together share one reading of the played checkers
  let reading: Promise<boolean> | undefined;
  const status = () => {
    reading ??= endpointCheckHealthy(clients, config, stack).finally(() => {
      reading = undefined;
    });
    return reading;
  };
  const latchName = normaliseDnsName(config.dns.latchSignal.name);
  const readLatch = latchPortFor(clients, config).read;
  const zone = {
    txt: async (name: string) => {
      if (name === signalName) return [healthSignalAnswer(await status())];
      if (name === latchName)
        return [latchSignalAnswer(latchCheckHealthy([await latchObjectResponse(readLatch)]))];
      return undefined;
    },
  };
  const servers: LocalNameServer[] = [];
  for (const server of config.dns.healthSignal.nameServers) {
    const match = /^127\.0\.0\.1:(\d+)$/.exec(server);
    if (!match) continue;
    servers.push(await startLocalNameServer(zone, { port: Number(match[1]) }));
  }
  return servers;
}

export interface ProbeMinute {
  /** The probe bundle's run (its report in `result`). */
  probe: Invocation;
  /** The failover bundle's runs on the SNS deliveries of the probe's direct notifications. */
  notifications: Invocation[];
  /** The probe alarm when this minute changed its state. */
  alarm?: MetricAlarm;
  /** The failover bundle's run on the alarm's SNS delivery, when the alarm entered ALARM. */
  delivery?: Invocation;
  /** The failover bundle's run on the re-evaluation schedule's event. */
  reevaluation: Invocation;
}

/**
 * One minute of detection from B, as AWS plays it and the emulator does not: EventBridge runs the
 * probe (the bundled handler, in-process), SNS delivers what the probe published to its alarm's
 * topic (its direct notifications) to the failover function, CloudWatch evaluates the probe alarm on the datapoints
 * it published, the alarm's topic delivers its SNS event to the failover function when the alarm
 * enters ALARM, and the re-evaluation rule invokes the failover function with its constant input.
 * Call it once per simulated minute; the health-signal name servers (startHealthSignalServers)
 * must run for the probe to read Route 53's verdict.
 */
export async function playProbeMinute(
  harness: Clients,
  config: DeploymentConfig,
  bundles: { probe: string; failover: string },
): Promise<ProbeMinute> {
  const probe = await invokeHandler(config, "probe", bundles.probe, scheduledEvent(config));
  // what the probe published to its alarm's topic, delivered as SNS delivers it (the emulator runs no Lambda)
  const published = (probe.result as ProbeReport | undefined)?.notified.filter((n) => !n.error) ?? [];
  const subscription = published.length
    ? await functionSubscriptionArn(config, config.probe.alarm.name)
    : undefined;
  const notifications: Invocation[] = [];
  for (const n of published) {
    notifications.push(
      await invokeHandler(
        config,
        "failover",
        bundles.failover,
        snsLambdaEvent(config.probe.alarm.topicArn, n.message, { subscriptionArn: subscription }),
      ),
    );
  }
  const alarm = await evaluateProbeAlarm(harness, config);
  const delivery =
    alarm?.StateValue === "ALARM"
      ? await invokeHandler(
          config,
          "failover",
          bundles.failover,
          alarmSnsEvent(alarm, config, await functionSubscriptionArn(config, config.probe.alarm.name)),
        )
      : undefined;
  const reevaluation = await invokeHandler(config, "failover", bundles.failover, reevaluationEvent(config));
  return {
    probe,
    notifications,
    ...(alarm ? { alarm } : {}),
    ...(delivery ? { delivery } : {}),
    reevaluation,
  };
}
