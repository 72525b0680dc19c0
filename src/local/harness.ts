import { pathToFileURL } from "node:url";
import {
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Clients } from "../aws/clients.js";
import { readDnsState } from "../aws/dns.js";
import type { DeploymentConfig } from "../core/config.js";
import { configParameterName } from "../core/config-source.js";
import { answerFromState, type DnsAnswer } from "../core/route53.js";
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

/** Marks P unhealthy the safe way a drill does: invert its health check (undone by failback). */
export async function invertPrimaryHealthCheck(
  clients: Clients,
  config: DeploymentConfig,
  inverted = true,
): Promise<void> {
  await clients
    .route53()
    .send(new UpdateHealthCheckCommand({ HealthCheckId: config.dns.healthCheckId, Inverted: inverted }));
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

/**
 * The SNS event AWS delivers to the failover function when the alarm enters ALARM: the Lambda
 * SNS envelope around CloudWatch's alarm notification (the same fields, formats and nesting).
 */
export function alarmSnsEvent(
  alarm: MetricAlarm,
  config: DeploymentConfig,
  subscriptionArn: string,
  messageId: string = crypto.randomUUID(),
): unknown {
  const topicArn = config.dns.alarm.topicArn;
  const account = topicArn.split(":")[4];
  const region = REGION_NAMES[config.dns.alarm.region] ?? config.dns.alarm.region;
  const message = {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: account,
    AlarmConfigurationUpdatedTimestamp: cloudWatchTime(alarm.AlarmConfigurationUpdatedTimestamp),
    NewStateValue: "ALARM",
    NewStateReason: alarm.StateReason,
    StateChangeTime: cloudWatchTime(alarm.StateUpdatedTimestamp),
    Region: region,
    AlarmArn: alarm.AlarmArn,
    OldStateValue: "OK",
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
  const snsHost = `https://sns.${config.dns.alarm.region}.amazonaws.com`;
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: "Notification",
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: `ALARM: "${alarm.AlarmName}" in ${region}`.slice(0, 100),
          Message: JSON.stringify(message),
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

/** The ARN of the function's subscription to the alarm topic (what the event names). */
export async function functionSubscriptionArn(config: DeploymentConfig): Promise<string> {
  const sns = new SNSClient({ region: config.dns.alarm.region });
  const out = await sns
    .send(new ListSubscriptionsByTopicCommand({ TopicArn: config.dns.alarm.topicArn }))
    .catch(() => undefined);
  const sub = out?.Subscriptions?.find(
    (s) => s.Protocol === "lambda" && s.Endpoint?.includes(config.failover.functionName),
  );
  return sub?.SubscriptionArn ?? `${config.dns.alarm.topicArn}:local-harness`;
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
let loaded: { path: string; handler: Handler } | undefined;

/**
 * Invokes the bundled failover handler (the file Terraform zipped) in-process, with the
 * environment Terraform set on the function and what Lambda adds (AWS_REGION, function name).
 * The function's stdout (its logs and metrics) is captured, so the CLI's own stdout stays data.
 */
export async function invokeFailoverHandler(
  config: DeploymentConfig,
  bundle: string,
  event: unknown,
): Promise<Invocation> {
  const fn = await new LambdaClient({ region: config.backup.region })
    .send(new GetFunctionConfigurationCommand({ FunctionName: config.failover.functionName }))
    .catch(() => undefined);
  const env: Record<string, string> = {
    // the module's defaults when the function is absent (integration fixtures create none)
    PILOTLIGHT_CONFIG_PARAMETER: configParameterName(config.deployment),
    POWERTOOLS_SERVICE_NAME: "pilotlight-failover",
    POWERTOOLS_METRICS_NAMESPACE: "Pilotlight",
    ...(fn?.Environment?.Variables ?? {}),
    AWS_REGION: config.backup.region,
    AWS_LAMBDA_FUNCTION_NAME: config.failover.functionName,
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
    if (loaded?.path !== bundle) {
      const mod = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
      loaded = { path: bundle, handler: mod.handler };
    }
    const context = {
      functionName: config.failover.functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: fn?.FunctionArn ?? config.failover.functionName,
      memoryLimitInMB: String(fn?.MemorySize ?? 256),
      awsRequestId: crypto.randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, (fn?.Timeout ?? 60) * 1000 - (Date.now() - startedAt)),
    };
    const result = await loaded.handler(event, context);
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
 * "The DNS name" resolved as Route 53 would, from the emulator's records and health checks. The
 * emulator's target health is canned ("healthy" once registered), so the harness plays the ALB's
 * health check too, on the target group's shallow path: a target group counts its healthy targets
 * only while the region's app instance answers /healthz with 200.
 */
export async function resolveLocal(
  clients: Clients,
  config: DeploymentConfig,
  stack: LocalStack,
): Promise<LocalAnswer> {
  const [state, pHealthy, bHealthy] = await Promise.all([
    readDnsState(clients, config),
    appHealthy(stack.apps.primary, "/healthz"),
    appHealthy(stack.apps.backup, "/healthz"),
  ]);
  for (const [app, healthy] of [
    [stack.apps.primary, pHealthy],
    [stack.apps.backup, bHealthy],
  ] as const) {
    if (!healthy) state.healthyTargets[app.albDnsName] = 0;
  }
  const answer = answerFromState(state);
  const app = [stack.apps.primary, stack.apps.backup].find((a) => a.albDnsName === answer.target);
  if (!app) throw new Error(`the DNS answer ${answer.target} is neither region's ALB`);
  return { ...answer, app };
}
