import { describe, expect, it } from "vitest";
import { planCapacity, planFence, planLatch, planPromotion, scaledCapacity } from "./plan.js";

const target = { min: 2, max: 4, desired: 2 };

describe("plan", () => {
  // States as the RDS API reference (DescribeDBInstances: DBInstanceStatus,
  // ReadReplicaSourceDBInstanceIdentifier; PromoteReadReplica) and the RDS User Guide ("Viewing
  // Amazon RDS DB instance status"; "Promoting a read replica": RDS reboots it before it is available)
  describe("planPromotion", () => {
    it("promotes an available replica (and one in storage-optimization)", () => {
      expect(planPromotion({ id: "r", status: "available", sourceId: "arn:p" }, "r").action).toBe("act");
      expect(planPromotion({ id: "r", status: "storage-optimization", sourceId: "arn:p" }, "r").action).toBe(
        "act",
      );
    });
    it("is done only when the instance has no source link and is available", () => {
      expect(planPromotion({ id: "r", status: "available" }, "r").action).toBe("done");
      expect(planPromotion({ id: "r", status: "rebooting" }, "r", true)).toMatchObject({
        action: "pending",
        detail: expect.stringContaining("no source link"),
      });
    });
    it.each(["modifying", "rebooting"])(
      "waits on a replica %s with its source link once this incident promoted it",
      (status) => {
        expect(planPromotion({ id: "r", status, sourceId: "arn:p" }, "r", true)).toMatchObject({
          action: "pending",
          detail: expect.stringContaining("promotion under way"),
        });
      },
    );
    it.each(["modifying", "rebooting", "upgrading"])(
      "does not take a replica %s for its own reasons for a promotion: retry, nothing done",
      (status) => {
        expect(planPromotion({ id: "r", status, sourceId: "arn:p" }, "r", false)).toMatchObject({
          action: "retry-later",
          detail: expect.stringContaining("not promoting"),
        });
      },
    );
    it("retries while the replica backs up (PromoteReadReplica refuses backing-up), even after asking", () => {
      for (const issued of [false, true]) {
        expect(planPromotion({ id: "r", status: "backing-up", sourceId: "arn:p" }, "r", issued).action).toBe(
          "retry-later",
        );
      }
    });
    it("fails on a missing replica or a state no wait clears", () => {
      expect(planPromotion(undefined, "r").action).toBe("fail");
      expect(planPromotion({ id: "r", status: "storage-full", sourceId: "arn:p" }, "r").action).toBe("fail");
      expect(planPromotion({ id: "r", status: "incompatible-parameters" }, "r", true).action).toBe("fail");
    });
  });

  // Amazon EC2 Auto Scaling User Guide, "instance lifecycle": Pending until configured and past its
  // health checks, then InService, which counts toward the desired capacity
  describe("planCapacity", () => {
    const group = (min: number, max: number, desired: number, inService: number) => ({
      name: "g",
      min,
      max,
      desired,
      inService,
    });
    it("scales a group at rest", () => {
      expect(planCapacity(group(0, 0, 0, 0), "g", target).action).toBe("act");
    });
    it("is pending while the group is at size but fewer instances than wanted are InService", () => {
      expect(planCapacity(group(2, 4, 2, 1), "g", target)).toMatchObject({
        action: "pending",
        detail: expect.stringContaining("1 of 2 instances InService"),
      });
    });
    it("is done once the failover's desired count is InService, also for a larger group", () => {
      expect(planCapacity(group(2, 4, 2, 2), "g", target).action).toBe("done");
      expect(planCapacity(group(2, 6, 3, 3), "g", target).action).toBe("done");
    });
    it("fails when the group is missing", () => {
      expect(planCapacity(undefined, "g", target)).toMatchObject({
        action: "fail",
        detail: expect.stringContaining("does not exist"),
      });
    });
    it("never scales down", () => {
      expect(scaledCapacity(group(0, 6, 1, 1), target)).toEqual({ min: 2, max: 6, desired: 2 });
    });
  });

  describe("planLatch", () => {
    const where = "s3://demo-latch/latch";
    const written = {
      deployment: "demo",
      incidentId: "i-1",
      latchedAt: "2026-12-03T10:00:00.000Z",
      by: "pilotlight failover (alarm)",
      checksFingerprint: "f",
    };

    it("writes the latch object while it reads absent", () => {
      expect(planLatch(undefined, where)).toMatchObject({
        action: "act",
        detail: expect.stringContaining(where),
      });
    });

    it("is done once the object reads back, naming the incident that wrote it", () => {
      expect(planLatch(written, where)).toMatchObject({
        action: "done",
        detail: expect.stringContaining("i-1"),
      });
    });

    it("leaves an object written by another incident or by hand alone: it latches P just the same", () => {
      const byHand = { deployment: "", incidentId: "", latchedAt: "", by: "unknown", checksFingerprint: "" };
      expect(planLatch({ ...written, incidentId: "i-0" }, where).action).toBe("done");
      expect(planLatch(byHand, where).action).toBe("done");
    });
  });

  describe("planFence", () => {
    const group = (desired: number, max: number) => ({ name: "p", min: 0, max, desired, inService: desired });
    it("acts while P's group may still run instances, and is done once it reads back at zero", () => {
      expect(planFence(group(2, 2), "p")).toEqual({ action: "act", detail: "scale P's group p from 2 to 0" });
      // desired 0 but max 2: a scaling policy could still start instances
      expect(planFence(group(0, 2), "p").action).toBe("act");
      expect(planFence(group(0, 0), "p")).toEqual({ action: "done", detail: "P's group p at 0" });
    });
    it("has nothing to fence when P has no such group", () => {
      expect(planFence(undefined, "p")).toEqual({
        action: "done",
        detail: "no group p in P: nothing to fence",
      });
    });
  });
});
