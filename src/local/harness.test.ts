import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { classifyEvent } from "../functions/failover/alarm-event.js";
import { alarmSnsEvent, probeAlarmVerdict } from "./harness.js";

describe("harness", () => {
  describe("alarmSnsEvent", () => {
    const config = exampleConfig();
    const alarm = {
      AlarmName: config.dns.alarm.name,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${config.dns.alarm.name}`,
      StateReason: "drill",
      StateTransitionedTimestamp: new Date("2026-11-26T00:53:38.123Z"),
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

  describe("probeAlarmVerdict", () => {
    const at = (minute: number) => Date.parse("2026-12-03T10:00:00Z") + minute * 60_000;

    it("enters ALARM when each of the last N periods has a datapoint below 1", () => {
      expect(
        probeAlarmVerdict(
          [
            { at: at(0), minimum: 1 },
            { at: at(1), minimum: 0 },
            { at: at(2), minimum: 0 },
          ],
          2,
        ),
      ).toBe("ALARM");
    });

    it("stays put with fewer failing periods than N, and without data (missing data is not considered)", () => {
      expect(
        probeAlarmVerdict(
          [
            { at: at(1), minimum: 1 },
            { at: at(2), minimum: 0 },
          ],
          2,
        ),
      ).toBeUndefined();
      expect(probeAlarmVerdict([], 2)).toBeUndefined();
    });

    it("returns to OK once the latest datapoint is 1", () => {
      expect(
        probeAlarmVerdict(
          [
            { at: at(1), minimum: 0 },
            { at: at(2), minimum: 1 },
          ],
          2,
        ),
      ).toBe("OK");
    });
  });
});
