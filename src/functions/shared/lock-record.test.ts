import { describe, expect, it } from "vitest";
import {
  armRecord,
  closeRecord,
  entryDecision,
  finishRecord,
  type IncidentTrigger,
  incidentIdFor,
  LEASE_MS,
  type LockRecord,
  openRecord,
  promotionAccepted,
  resumeRecord,
  type StepOutcome,
  stepsToRun,
} from "./lock-record.js";

const now = Date.parse("2026-11-26T01:00:00.000Z");
const alarm: IncidentTrigger = {
  source: "alarm",
  alarmName: "a",
  alarmTime: "2026-11-26T00:59:00.123Z",
  messageId: "m",
};
const operator: IncidentTrigger = { source: "operator", alarmTime: "2026-11-26T01:00:00.000Z", by: "alice" };
const armed = armRecord(undefined, "demo", "readiness", now) as LockRecord;
const guard = { reason: "0 of 8 healthy", drill: false };
const step = (outcome: StepOutcome) => ({ startedAt: "t", outcome, detail: "" });

describe("lock-record", () => {
  describe("entryDecision", () => {
    it("ignores alarms until the deployment is armed", () => {
      expect(entryDecision(undefined, alarm, now)).toMatchObject({ kind: "ignore", code: "not-armed" });
    });
    it("opens an incident on an armed deployment", () => {
      expect(entryDecision(armed, alarm, now)).toEqual({ kind: "open" });
    });
    it("reports an incident under another invocation's live lease as busy (to retry), not as a duplicate", () => {
      const running = openRecord(armed, alarm, guard, "automatic", now);
      expect(entryDecision(running, alarm, now + 1000)).toEqual({
        kind: "busy",
        reason: expect.stringContaining("lease until"),
        leaseUntil: new Date(now + LEASE_MS).toISOString(),
      });
      expect(entryDecision(running, operator, now + LEASE_MS).kind).toBe("busy");
    });
    it("resumes an in-progress incident whose lease expired (its holder timed out or crashed)", () => {
      const running = openRecord(armed, alarm, guard, "automatic", now);
      expect(entryDecision(running, alarm, now + LEASE_MS + 1).kind).toBe("resume");
      expect(entryDecision(running, operator, now + LEASE_MS + 1).kind).toBe("resume");
      const { leaseUntil: _lease, ...noLease } = running;
      expect(entryDecision(noLease, alarm, now).kind).toBe("resume");
    });
    it("resumes a failed incident", () => {
      const failed = finishRecord(openRecord(armed, alarm, guard, "automatic", now), {}, now);
      expect(failed.state).toBe("failed");
      expect(entryDecision(failed, alarm, now).kind).toBe("resume");
    });
    it("lets only the operator take a pending approval", () => {
      const pending = openRecord(armed, alarm, guard, "approval", now);
      expect(pending.state).toBe("pending-approval");
      expect(entryDecision(pending, alarm, now).kind).toBe("duplicate");
      expect(entryDecision(pending, operator, now).kind).toBe("resume");
    });
    it("refuses a new failover after a completed one until it is closed", () => {
      const timeline = { promote: step("done"), capacity: step("done"), latch: step("skipped") };
      const completed = finishRecord(openRecord(armed, alarm, guard, "automatic", now), timeline, now);
      expect(completed.state).toBe("completed");
      expect(entryDecision(completed, alarm, now)).toMatchObject({
        kind: "duplicate",
        reason: expect.stringContaining("failback"),
      });
      const closed = closeRecord(completed, "failback", now);
      expect(entryDecision(closed, alarm, now)).toMatchObject({
        kind: "ignore",
        reason: expect.stringContaining("closed"),
      });
      expect(armRecord(closed, "demo", "readiness", now)?.state).toBe("armed");
    });
  });

  describe("transitions", () => {
    it("opens with a lease, the alarm trigger and an empty timeline", () => {
      const open = openRecord(armed, alarm, { reason: "drill", drill: true }, "automatic", now);
      expect(open).toMatchObject({
        state: "in-progress",
        attempts: 1,
        incidentId: "demo-20261126T005900Z",
        drill: true,
        timeline: {},
        leaseUntil: new Date(now + LEASE_MS).toISOString(),
      });
    });
    it("counts attempts on resume and keeps the timeline", () => {
      const open = {
        ...openRecord(armed, alarm, guard, "automatic", now),
        timeline: { latch: step("done") },
      };
      const resumed = resumeRecord(finishRecord(open, open.timeline, now), alarm, now);
      expect(resumed).toMatchObject({
        state: "in-progress",
        attempts: 2,
        timeline: { latch: { outcome: "done" } },
      });
      expect(stepsToRun(resumed.timeline)).toEqual(["promote", "capacity"]);
    });
    it("keeps an incident whose only unfinished steps are pending in progress, its lease released for the next run", () => {
      const open = openRecord(armed, alarm, guard, "automatic", now);
      const timeline = { promote: step("pending"), capacity: step("pending"), latch: step("done") };
      const waiting = finishRecord(open, timeline, now + 5_000);
      expect(waiting).toMatchObject({ state: "in-progress", attempts: 1 });
      expect(waiting.leaseUntil).toBeUndefined();
      expect(entryDecision(waiting, alarm, now + 6_000).kind).toBe("resume");
      expect(stepsToRun(waiting.timeline)).toEqual(["promote", "capacity"]);
    });
    it.each([["retry-later"], ["failed"], ["running"]] as const)(
      "fails an incident with a step %s (retried, not waited on)",
      (outcome) => {
        const open = openRecord(armed, alarm, guard, "automatic", now);
        const timeline = { promote: step(outcome), capacity: step("pending"), latch: step("done") };
        expect(finishRecord(open, timeline, now)).toMatchObject({
          state: "failed",
          error: expect.stringContaining("promote"),
        });
      },
    );
    it("does not arm while an incident is open", () => {
      expect(
        armRecord(openRecord(armed, alarm, guard, "automatic", now), "demo", "readiness", now),
      ).toBeUndefined();
    });
    it("names incidents after the deployment and alarm time", () => {
      expect(incidentIdFor("demo", alarm)).toBe("demo-20261126T005900Z");
    });
  });
  describe("promotionAccepted", () => {
    it.each([
      ["done", step("done"), true],
      ["skipped (already standalone)", step("skipped"), true],
      ["pending (ours under way)", step("pending"), true],
      ["retry-later after our accepted call", { ...step("retry-later"), actedAt: "t" }, true],
      ["retry-later (backing-up: refused)", step("retry-later"), false],
      ["failed (InvalidDBInstanceState, storage-full)", step("failed"), false],
      ["not run", undefined, false],
    ] as const)("%s: %s", (_label, entry, accepted) => {
      expect(promotionAccepted(entry)).toBe(accepted);
    });
  });
});
