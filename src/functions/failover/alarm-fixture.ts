import type { DeploymentConfig } from "../../core/config.js";

export interface AlarmEventOptions {
  state?: "ALARM" | "OK" | "INSUFFICIENT_DATA";
  oldState?: "ALARM" | "OK" | "INSUFFICIENT_DATA";
  /** When the alarm changed state; default now. */
  at?: Date;
  alarmName?: string;
  healthCheckId?: string;
  messageId?: string;
}

/** CloudWatch's StateChangeTime format: milliseconds and a +0000 offset. */
export function cloudWatchTime(at: Date): string {
  return at.toISOString().replace("Z", "+0000");
}

/** The CloudWatch alarm notification (the SNS Message) for this deployment's alarm. */
export function alarmNotification(config: DeploymentConfig, options: AlarmEventOptions = {}) {
  const at = options.at ?? new Date();
  const name = options.alarmName ?? config.dns.alarm.name;
  const account = config.dns.alarm.topicArn.split(":")[4];
  const state = options.state ?? "ALARM";
  return {
    AlarmName: name,
    AlarmDescription: `P of ${config.deployment} is unhealthy as Route 53 sees it`,
    AWSAccountId: account,
    AlarmConfigurationUpdatedTimestamp: cloudWatchTime(new Date(at.getTime() - 86_400_000)),
    NewStateValue: state,
    NewStateReason:
      state === "ALARM"
        ? "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (26/11/26 00:52:00)] was less than the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition)."
        : "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (26/11/26 00:52:00)] was not less than the threshold (1.0).",
    StateChangeTime: cloudWatchTime(at),
    Region: "US East (N. Virginia)",
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${account}:alarm:${name}`,
    OldStateValue: options.oldState ?? (state === "ALARM" ? "OK" : "ALARM"),
    OKActions: [config.dns.alarm.topicArn],
    AlarmActions: [config.dns.alarm.topicArn],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: "HealthCheckStatus",
      Namespace: "AWS/Route53",
      StatisticType: "Statistic",
      Statistic: "MINIMUM",
      Unit: null,
      Dimensions: [{ value: options.healthCheckId ?? config.dns.healthCheckId, name: "HealthCheckId" }],
      Period: config.dns.alarm.periodSeconds,
      EvaluationPeriods: config.dns.alarm.evaluationPeriods,
      DatapointsToAlarm: config.dns.alarm.evaluationPeriods,
      ComparisonOperator: "LessThanThreshold",
      Threshold: 1.0,
      TreatMissingData: "breaching",
      EvaluateLowSampleCountPercentile: "",
    },
  };
}

/**
 * The Lambda event SNS delivers for a message: the envelope of AWS's documented SNS event, with
 * `message` as the Message string. Tests, the benchmark and the local harness deliver this.
 */
export function snsEvent(
  topicArn: string,
  message: string,
  options: { messageId?: string; subject?: string } = {},
) {
  const region = topicArn.split(":")[3];
  const messageId = options.messageId ?? crypto.randomUUID();
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:${crypto.randomUUID()}`,
        Sns: {
          Type: "Notification",
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: options.subject ?? null,
          Message: message,
          Timestamp: new Date().toISOString(),
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
          UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:0`,
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** The SNS event of this deployment's alarm changing state, exactly as the failover function receives it. */
export function alarmEvent(config: DeploymentConfig, options: AlarmEventOptions = {}) {
  const notification = alarmNotification(config, options);
  const region = "US East (N. Virginia)";
  return snsEvent(config.dns.alarm.topicArn, JSON.stringify(notification), {
    ...(options.messageId ? { messageId: options.messageId } : {}),
    subject: `${notification.NewStateValue}: "${notification.AlarmName}" in ${region}`.slice(0, 100),
  });
}
