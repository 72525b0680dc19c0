import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { cloudWatchTriggerAlarms } from "./trigger-alarms.js";

const cloudwatch = mockClient(CloudWatchClient);

afterEach(() => cloudwatch.reset());

describe("cloudWatchTriggerAlarms", () => {
  // CloudWatch API Reference, MetricAlarm: StateTransitionedTimestamp is "the date and time that the
  // alarm's StateValue most recently changed"; StateUpdatedTimestamp is "the last update to the
  // value of either the StateValue or EvaluationState", which moves while the alarm stays in ALARM.
  it("dates an alarm's state from StateTransitionedTimestamp, not StateUpdatedTimestamp", async () => {
    // Prepare
    const config = exampleConfig();
    const entered = new Date("2026-12-07T10:00:00Z");
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: config.probe.alarm.name,
          StateValue: "ALARM",
          StateTransitionedTimestamp: entered,
          StateUpdatedTimestamp: new Date("2026-12-07T10:09:00Z"),
        },
      ],
    });

    // Act
    const probe = await cloudWatchTriggerAlarms(config).probe();

    // Assert
    expect(probe).toEqual({ name: config.probe.alarm.name, state: "ALARM", since: entered.toISOString() });
  });

  it("reads no state from an alarm that reports no transition time", async () => {
    // Prepare
    const config = exampleConfig();
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: config.probe.alarm.name, StateValue: "ALARM", StateUpdatedTimestamp: new Date() },
      ],
    });

    // Act
    const probe = await cloudWatchTriggerAlarms(config).probe();

    // Assert
    expect(probe).toBeUndefined();
  });
});
