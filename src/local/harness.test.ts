import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { classifyEvent } from "../functions/failover/alarm-event.js";
import { alarmSnsEvent } from "./harness.js";

describe("harness", () => {
  describe("alarmSnsEvent", () => {
    const config = exampleConfig();
    const alarm = {
      AlarmName: config.dns.alarm.name,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${config.dns.alarm.name}`,
      StateReason: "drill",
      StateUpdatedTimestamp: new Date("2026-11-26T00:53:38.123Z"),
      MetricName: "HealthCheckStatus",
      Namespace: "AWS/Route53",
      Statistic: "Minimum" as const,
      Dimensions: [{ Name: "HealthCheckId", Value: config.dns.healthCheckId }],
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold" as const,
      AlarmActions: [config.dns.alarm.topicArn],
    };

    it("is the Lambda SNS envelope around CloudWatch's notification, with CloudWatch's time format", () => {
      const event = alarmSnsEvent(alarm, config, `${config.dns.alarm.topicArn}:sub`, "m-1") as {
        Records: { EventSource: string; Sns: { TopicArn: string; Message: string; Subject: string } }[];
      };
      const record = event.Records[0];
      expect(record?.EventSource).toBe("aws:sns");
      expect(record?.Sns.TopicArn).toBe(config.dns.alarm.topicArn);
      expect(record?.Sns.Subject).toBe(`ALARM: "${config.dns.alarm.name}" in US East (N. Virginia)`);
      const message = JSON.parse(record?.Sns.Message ?? "{}");
      expect(message.StateChangeTime).toBe("2026-11-26T00:53:38.123+0000");
      expect(message.Trigger.Dimensions).toEqual([
        { value: config.dns.healthCheckId, name: "HealthCheckId" },
      ]);
      expect(message.Trigger.Statistic).toBe("MINIMUM");
    });

    it("is accepted by the failover function as this deployment's alarm entering ALARM", () => {
      const [item] = classifyEvent(alarmSnsEvent(alarm, config, "sub", "m-1"), config);
      expect(item?.kind).toBe("alarm");
      if (item?.kind === "alarm") expect(item.alarm.alarmTime).toBe("2026-11-26T00:53:38.123Z");
    });
  });
});
