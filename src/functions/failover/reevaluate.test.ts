import { describe, expect, it } from "vitest";
import type { LockRecord } from "../shared/lock-record.js";
import { alarmInAlarm, ReevaluationEventSchema, reevaluationStep } from "./reevaluate.js";

const now = Date.parse("2026-12-03T10:00:00Z");
const record = (fields: Partial<LockRecord>): LockRecord => ({
  deployment: "demo",
  state: "armed",
  attempts: 0,
  updatedAt: new Date(now).toISOString(),
  incidentId: "demo-20261203T095500Z",
  ...fields,
});

const fence = {
  startedAt: "2026-12-03T09:56:00.000Z",
  lastAttemptAt: "2026-12-03T09:59:00.000Z",
  attempts: 4,
  outcome: "failed" as const,
  detail: "TimeoutError",
};

describe("reevaluate", () => {
  describe("reevaluationStep", () => {
    it.each([
      ["no record", undefined, "nothing"],
      ["unarmed", record({ state: "unarmed" }), "nothing"],
      ["armed, no incident", record({ state: "armed" }), "check-alarms"],
      ["pending-approval", record({ state: "pending-approval" }), "nothing"],
      [
        "completed, P fenced (its group seen without instances)",
        record({ state: "completed", timeline: { fence: { ...fence, outcome: "done" } } }),
        "nothing",
      ],
      [
        "completed, fence failed (P's API did not answer)",
        record({ state: "completed", timeline: { fence } }),
        "fence",
      ],
      ["completed, fence never tried", record({ state: "completed" }), "fence"],
      ["failed", record({ state: "failed", attempts: 1, error: "promote: Throttling" }), "resume"],
      [
        "in-progress with pending steps (lease released)",
        record({ state: "in-progress", attempts: 1 }),
        "resume",
      ],
      [
        "in-progress under an expired lease",
        record({ state: "in-progress", attempts: 1, leaseUntil: new Date(now - 1).toISOString() }),
        "resume",
      ],
      [
        "in-progress under a live lease",
        record({ state: "in-progress", attempts: 1, leaseUntil: new Date(now + 60_000).toISOString() }),
        "nothing",
      ],
    ] as const)("%s: %s", (_label, stored, kind) => {
      expect(reevaluationStep(stored, now).kind).toBe(kind);
    });
  });

  describe("alarmInAlarm", () => {
    const probe = { name: "probe", state: "ALARM", since: "2026-12-03T09:58:00.000Z" };
    const health = { name: "health", state: "ALARM", since: "2026-12-03T09:57:00.000Z" };

    it("takes the alarm that entered ALARM first", () => {
      expect(alarmInAlarm([probe, health])).toBe(health);
    });

    it("decides on the probe alarm alone when the us-east-1 alarm did not answer", () => {
      expect(alarmInAlarm([probe, undefined])).toBe(probe);
    });

    it("finds none when no alarm is in ALARM", () => {
      expect(
        alarmInAlarm([
          { ...probe, state: "OK" },
          { ...health, state: "INSUFFICIENT_DATA" },
        ]),
      ).toBeUndefined();
    });
  });

  describe("ReevaluationEventSchema", () => {
    it("accepts the schedule's constant input and nothing else", () => {
      expect(
        ReevaluationEventSchema.safeParse({ pilotlight: "reevaluate", deployment: "demo" }).success,
      ).toBe(true);
      expect(ReevaluationEventSchema.safeParse({ "detail-type": "Scheduled Event" }).success).toBe(false);
    });
  });
});
