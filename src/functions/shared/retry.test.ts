import { describe, expect, it } from "vitest";
import { backoffMs, isThrottling, withThrottlingRetry } from "./retry.js";

const throttle = () => Object.assign(new Error("Rate exceeded"), { name: "Throttling" });

describe("retry", () => {
  describe("withThrottlingRetry", () => {
    it("retries throttling with growing backoff, then succeeds", async () => {
      // Prepare
      const sleeps: number[] = [];
      let calls = 0;
      // Act
      const result = await withThrottlingRetry(
        async () => {
          calls++;
          if (calls < 3) throw throttle();
          return "ok";
        },
        {
          attempts: 5,
          baseMs: 100,
          maxMs: 2000,
          sleep: async (ms) => void sleeps.push(ms),
          random: () => 0.999,
        },
      );
      // Assess
      expect(result).toBe("ok");
      expect(calls).toBe(3);
      expect(sleeps).toEqual([99, 199]);
    });

    it("gives up after the last attempt with the throttling error", async () => {
      let calls = 0;
      const run = withThrottlingRetry(
        async () => {
          calls++;
          throw throttle();
        },
        { attempts: 3, baseMs: 1, maxMs: 1, sleep: async () => {} },
      );
      await expect(run).rejects.toThrow("Rate exceeded");
      expect(calls).toBe(3);
    });

    it("does not retry other errors", async () => {
      let calls = 0;
      const run = withThrottlingRetry(
        async () => {
          calls++;
          throw Object.assign(new Error("no"), { name: "AccessDenied" });
        },
        { attempts: 5, baseMs: 1, maxMs: 1, sleep: async () => {} },
      );
      await expect(run).rejects.toThrow("no");
      expect(calls).toBe(1);
    });
  });

  describe("isThrottling", () => {
    it("knows the services' throttling codes, Route 53's PriorRequestNotComplete included", () => {
      for (const name of [
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "PriorRequestNotComplete",
      ]) {
        expect(isThrottling(Object.assign(new Error(), { name }))).toBe(true);
      }
      expect(isThrottling(Object.assign(new Error(), { name: "InvalidDBInstanceState" }))).toBe(false);
    });
  });

  describe("backoffMs", () => {
    it("caps the backoff", () => {
      expect(backoffMs(10, { baseMs: 100, maxMs: 2000 }, () => 0.5)).toBe(1000);
    });
  });
});
