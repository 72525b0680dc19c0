import * as z from "zod";
import type { DeploymentConfig } from "../../core/config.js";

/**
 * The event the failover function receives: SNS's Lambda event whose Message is the CloudWatch
 * alarm notification as a JSON string. Only the fields the function reads are required; anything
 * else AWS adds is accepted and dropped.
 */
export const SnsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal("aws:sns"),
        Sns: z.object({
          MessageId: z.string().min(1),
          TopicArn: z.string().min(1),
          Message: z.string(),
          Timestamp: z.string(),
        }),
      }),
    )
    .min(1),
});

const dimension = z.object({ name: z.string(), value: z.string() });

/** The CloudWatch alarm notification JSON (SNS Message); only what the function reads is required. */
export const AlarmNotificationSchema = z.object({
  AlarmName: z.string().min(1),
  NewStateValue: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]),
  OldStateValue: z.string(),
  /** e.g. 2026-11-26T00:53:38.123+0000 (no colon in the offset). */
  StateChangeTime: z.string(),
  NewStateReason: z.string().nullish(),
  AlarmArn: z.string().nullish(),
  Trigger: z
    .object({
      MetricName: z.string().nullish(),
      Namespace: z.string().nullish(),
      Dimensions: z.array(dimension).nullish(),
    })
    .nullish(),
});

export type AlarmNotification = z.infer<typeof AlarmNotificationSchema>;

/**
 * Which of this deployment's two triggers: `health-check`, the us-east-1 alarm on Route 53's
 * HealthCheckStatus; `probe`, the alarm in B on the probe's PrimaryProbeHealthy.
 */
export type TriggerAlarm = "health-check" | "probe";

/** A delivery of one of this deployment's alarms entering ALARM. */
export interface AlarmEntered {
  alarmName: string;
  trigger: TriggerAlarm;
  /** ISO 8601 (normalized offset). */
  alarmTime: string;
  alarmAtMs: number;
  messageId: string;
  topicArn: string;
  oldState: string;
}

export type Classification =
  | { kind: "alarm"; alarm: AlarmEntered }
  | { kind: "ignored"; reason: string; messageId?: string }
  | { kind: "malformed"; reason: string; messageId?: string };

/** CloudWatch writes offsets as +0000; ISO 8601 and Date.parse want +00:00. */
export function normalizeAlarmTime(value: string): string | undefined {
  const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

/**
 * Sorts each SNS record into: one of this deployment's two alarms (the us-east-1 alarm on the
 * endpoint check, the probe alarm in B) entering ALARM (act), something to
 * acknowledge and ignore (another alarm, OK, INSUFFICIENT_DATA), or malformed input. Never throws:
 * a throw would make Lambda retry an event that can never succeed.
 */
export function classifyEvent(event: unknown, config: DeploymentConfig): Classification[] {
  const envelope = SnsEventSchema.safeParse(event);
  if (!envelope.success)
    return [{ kind: "malformed", reason: `not an SNS event: ${issues(envelope.error)}` }];
  return envelope.data.Records.map((record) => classifyMessage(record.Sns, config));
}

function classifyMessage(
  sns: { MessageId: string; TopicArn: string; Message: string },
  config: DeploymentConfig,
): Classification {
  const messageId = sns.MessageId;
  let body: unknown;
  try {
    body = JSON.parse(sns.Message);
  } catch {
    return { kind: "malformed", reason: `SNS message ${messageId} is not JSON`, messageId };
  }
  const parsed = AlarmNotificationSchema.safeParse(body);
  if (!parsed.success) {
    return {
      kind: "malformed",
      reason: `SNS message ${messageId} is not a CloudWatch alarm notification: ${issues(parsed.error)}`,
      messageId,
    };
  }
  const alarm = parsed.data;
  const trigger = triggerOf(alarm, config);
  if (typeof trigger !== "string") return { kind: "ignored", reason: trigger.reason, messageId };
  if (alarm.NewStateValue !== "ALARM") {
    return {
      kind: "ignored",
      reason: `alarm ${alarm.AlarmName} entered ${alarm.NewStateValue}, not ALARM`,
      messageId,
    };
  }
  const alarmTime = normalizeAlarmTime(alarm.StateChangeTime);
  if (alarmTime === undefined) {
    return {
      kind: "malformed",
      reason: `StateChangeTime ${JSON.stringify(alarm.StateChangeTime)} is not a time`,
      messageId,
    };
  }
  return {
    kind: "alarm",
    alarm: {
      alarmName: alarm.AlarmName,
      trigger,
      alarmTime,
      alarmAtMs: Date.parse(alarmTime),
      messageId,
      topicArn: sns.TopicArn,
      oldState: alarm.OldStateValue,
    },
  };
}

/**
 * Which of this deployment's alarms a notification is from, by name and, when the notification
 * names its metric's dimension, by what it watches (P's endpoint check, or this deployment's probe);
 * anything else is another deployment's or someone else's alarm.
 */
function triggerOf(alarm: AlarmNotification, config: DeploymentConfig): TriggerAlarm | { reason: string } {
  const dimension = (name: string) => alarm.Trigger?.Dimensions?.find((d) => d.name === name)?.value;
  if (alarm.AlarmName === config.dns.alarm.name) {
    const healthCheck = dimension("HealthCheckId");
    if (healthCheck !== undefined && healthCheck !== config.dns.healthCheckId) {
      return {
        reason: `alarm ${alarm.AlarmName} watches health check ${healthCheck}, not ${config.dns.healthCheckId}`,
      };
    }
    return "health-check";
  }
  if (alarm.AlarmName === config.probe.alarm.name) {
    const deployment = dimension("Deployment");
    if (deployment !== undefined && deployment !== config.deployment) {
      return {
        reason: `alarm ${alarm.AlarmName} watches deployment ${deployment}'s probe, not ${config.deployment}'s`,
      };
    }
    return "probe";
  }
  return {
    reason: `alarm ${alarm.AlarmName} is not this deployment's (${config.dns.alarm.name} or ${config.probe.alarm.name})`,
  };
}
