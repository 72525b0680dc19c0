import { describe, expect, it } from "vitest";
import { alarmEvent, alarmNotification, snsEvent } from "../../../test/fixtures/alarm.js";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { classifyEvent, normalizeAlarmTime } from "./alarm-event.js";

const config = exampleConfig();
const at = new Date("2026-11-26T00:53:38.123Z");

describe("alarm-event", () => {
  describe("classifyEvent", () => {
    it("accepts this deployment's alarm entering ALARM, with the alarm time", () => {
      // Prepare
      const event = alarmEvent(config, { at, messageId: "m-1" });
      // Act
      const [result] = classifyEvent(event, config);
      // Assess
      expect(result).toEqual({
        kind: "alarm",
        alarm: expect.objectContaining({
          alarmName: config.dns.alarm.name,
          alarmTime: "2026-11-26T00:53:38.123Z",
          alarmAtMs: at.getTime(),
          messageId: "m-1",
          oldState: "OK",
        }),
      });
    });

    it.each(["OK", "INSUFFICIENT_DATA"] as const)("ignores the alarm entering %s", (state) => {
      const [result] = classifyEvent(alarmEvent(config, { state, at }), config);
      expect(result).toMatchObject({ kind: "ignored", reason: expect.stringContaining(`entered ${state}`) });
    });

    it("accepts the probe alarm in B entering ALARM as it accepts the us-east-1 alarm, naming the trigger", () => {
      // Prepare
      const event = alarmEvent(config, { trigger: "probe", at, messageId: "m-2" });
      // Act
      const [result] = classifyEvent(event, config);
      // Assess
      expect(result).toEqual({
        kind: "alarm",
        alarm: expect.objectContaining({
          alarmName: config.probe.alarm.name,
          trigger: "probe",
          alarmTime: "2026-11-26T00:53:38.123Z",
          topicArn: config.probe.alarm.topicArn,
          messageId: "m-2",
        }),
      });
    });

    it("names the us-east-1 alarm's trigger as the health check's", () => {
      const [result] = classifyEvent(alarmEvent(config, { at }), config);
      expect(result).toMatchObject({ kind: "alarm", alarm: { trigger: "health-check" } });
    });

    it("ignores the probe alarm entering OK", () => {
      const [result] = classifyEvent(alarmEvent(config, { trigger: "probe", state: "OK" }), config);
      expect(result).toMatchObject({ kind: "ignored", reason: expect.stringContaining("entered OK") });
    });

    it("ignores another alarm", () => {
      const [result] = classifyEvent(alarmEvent(config, { alarmName: "someone-elses-alarm" }), config);
      expect(result).toMatchObject({
        kind: "ignored",
        reason: expect.stringContaining("not this deployment's"),
      });
    });

    it("ignores this alarm name watching another health check", () => {
      const [result] = classifyEvent(alarmEvent(config, { healthCheckId: "0000" }), config);
      expect(result).toMatchObject({
        kind: "ignored",
        reason: expect.stringContaining("watches health check 0000"),
      });
    });

    it("calls a message that is not JSON malformed", () => {
      const [result] = classifyEvent(
        snsEvent(config.dns.alarm.topicArn, "ALARM!!", { messageId: "m-2" }),
        config,
      );
      expect(result).toEqual({ kind: "malformed", reason: "SNS message m-2 is not JSON", messageId: "m-2" });
    });

    it("calls JSON that is not an alarm notification malformed, naming the fields", () => {
      const [result] = classifyEvent(
        snsEvent(config.dns.alarm.topicArn, JSON.stringify({ hello: "world" })),
        config,
      );
      expect(result).toMatchObject({ kind: "malformed", reason: expect.stringContaining("AlarmName") });
    });

    it("calls an unparseable StateChangeTime malformed", () => {
      const message = { ...alarmNotification(config), StateChangeTime: "yesterday" };
      const [result] = classifyEvent(snsEvent(config.dns.alarm.topicArn, JSON.stringify(message)), config);
      expect(result).toMatchObject({ kind: "malformed", reason: expect.stringContaining("yesterday") });
    });

    it.each([
      ["null", null],
      ["a string", "ALARM"],
      ["an empty Records list", { Records: [] }],
      ["an S3 event", { Records: [{ eventSource: "aws:s3", s3: {} }] }],
    ])("calls %s malformed without throwing", (_label, event) => {
      const [result] = classifyEvent(event, config);
      expect(result?.kind).toBe("malformed");
    });
  });

  describe("normalizeAlarmTime", () => {
    it("reads CloudWatch's +0000 offsets", () => {
      expect(normalizeAlarmTime("2015-06-03T17:43:27.123+0000")).toBe("2015-06-03T17:43:27.123Z");
      expect(normalizeAlarmTime("2015-06-03T19:43:27.123+0200")).toBe("2015-06-03T17:43:27.123Z");
    });
  });
});
