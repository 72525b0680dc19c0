import { describe, expect, it } from "vitest";
import { planCapacity, planLatch, planPromotion, scaledCapacity } from "./plan.js";

const target = { min: 2, max: 4, desired: 2 };

describe("plan", () => {
  describe("planPromotion", () => {
    it("promotes an available replica", () => {
      expect(planPromotion({ id: "r", status: "available", sourceId: "arn:p" }, "r").action).toBe("act");
    });
    it("skips a standalone instance", () => {
      expect(planPromotion({ id: "r", status: "available" }, "r").action).toBe("skip");
    });
    it.each(["modifying", "rebooting"])(
      "skips a replica %s with its source link (promotion under way)",
      (status) => {
        expect(planPromotion({ id: "r", status, sourceId: "arn:p" }, "r").action).toBe("skip");
      },
    );
    it("waits for a backup to end", () => {
      expect(planPromotion({ id: "r", status: "backing-up", sourceId: "arn:p" }, "r").action).toBe(
        "retry-later",
      );
    });
    it("fails on a missing replica or a state that cannot be promoted", () => {
      expect(planPromotion(undefined, "r").action).toBe("fail");
      expect(planPromotion({ id: "r", status: "storage-full", sourceId: "arn:p" }, "r").action).toBe("fail");
    });
  });

  describe("planCapacity", () => {
    it("scales a group at rest", () => {
      expect(planCapacity({ name: "g", min: 0, max: 0, desired: 0 }, "g", target).action).toBe("act");
    });
    it("skips a group already at or above the failover size", () => {
      expect(planCapacity({ name: "g", min: 2, max: 6, desired: 3 }, "g", target).action).toBe("skip");
    });
    it("fails when the group is missing", () => {
      expect(planCapacity(undefined, "g", target)).toMatchObject({
        action: "fail",
        detail: expect.stringContaining("does not exist"),
      });
    });
    it("never scales down", () => {
      expect(scaledCapacity({ name: "g", min: 0, max: 6, desired: 1 }, target)).toEqual({
        min: 2,
        max: 6,
        desired: 2,
      });
    });
  });

  describe("planLatch", () => {
    it("latches unless already latched", () => {
      const base = { id: "hc", observations: [] };
      expect(planLatch({ ...base, disabled: false, inverted: true }, "hc").action).toBe("act");
      expect(planLatch({ ...base, disabled: true, inverted: true }, "hc").action).toBe("skip");
      expect(planLatch(undefined, "hc").action).toBe("fail");
    });
  });
});
