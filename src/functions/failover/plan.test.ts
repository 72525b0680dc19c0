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

  // Elastic Load Balancing User Guide, "Health checks for your target groups": a registered target
  // is `initial` until it passed HealthyThresholdCount checks, then `healthy`; the load balancer
  // routes to healthy targets only. InService (Auto Scaling) comes before that.
  describe("planCapacity", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${i}`);
    const group = (min: number, max: number, desired: number, inService: number) => ({
      name: "g",
      min,
      max,
      desired,
      inService,
      instanceIds: ids(desired),
    });
    const targets = (states: string[]) => states.map((state, i) => ({ id: `i-${i}`, state }));
    it("scales a group at rest", () => {
      expect(planCapacity(group(0, 0, 0, 0), "g", target, []).action).toBe("act");
    });
    it("is pending while the instances are InService but their targets still initial", () => {
      expect(planCapacity(group(2, 4, 2, 2), "g", target, targets(["initial", "healthy"]))).toMatchObject({
        action: "pending",
        detail: expect.stringContaining("2 InService, 1 of 2 healthy in B's target group"),
      });
    });
    it("is done once the failover's desired count is healthy in the target group, also for a larger group", () => {
      expect(planCapacity(group(2, 4, 2, 2), "g", target, targets(["healthy", "healthy"])).action).toBe(
        "done",
      );
      expect(
        planCapacity(group(2, 6, 3, 3), "g", target, targets(["healthy", "unhealthy", "healthy"])).action,
      ).toBe("done");
    });
    it("counts only the group's own instances: a healthy target the group does not list is not B's capacity", () => {
      const stale = [
        { id: "i-old", state: "healthy" },
        { id: "i-0", state: "healthy" },
      ];
      expect(planCapacity(group(2, 4, 2, 2), "g", target, stale).action).toBe("pending");
    });
    it("fails when the group is missing", () => {
      expect(planCapacity(undefined, "g", target, [])).toMatchObject({
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
    const group = (desired: number, max: number, listed = desired) => ({
      name: "p",
      min: 0,
      max,
      desired,
      inService: desired,
      instanceIds: Array.from({ length: listed }, (_, i) => `i-${i}`),
    });
    it("acts while P's group may still run instances", () => {
      expect(planFence(group(2, 2), "p")).toEqual({ action: "act", detail: "scale P's group p from 2 to 0" });
      // desired 0 but max 2: a scaling policy could still start instances
      expect(planFence(group(0, 2), "p").action).toBe("act");
    });
    it("is pending, not done, while a group at 0 still lists instances (Terminating: they serve until gone)", () => {
      expect(planFence(group(0, 0, 2), "p")).toMatchObject({
        action: "pending",
        detail: expect.stringContaining("2 instance(s) still listed"),
      });
    });
    it("is done once the group at 0 lists no instance", () => {
      expect(planFence(group(0, 0), "p")).toEqual({
        action: "done",
        detail: "P's group p at 0, no instance listed",
      });
    });
    it("has nothing to fence when P has no such group", () => {
      expect(planFence(undefined, "p")).toEqual({
        action: "done",
        detail: "no group p in P: nothing to fence",
      });
    });
  });
});
