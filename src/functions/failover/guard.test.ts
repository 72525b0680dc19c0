import { describe, expect, it } from "vitest";
import { seenHealthy } from "../shared/incident.js";
import type { HealthCheckState } from "../shared/ports.js";
import { guardVerdict } from "./guard.js";

const REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];

function check(healthyCount: number, flags: Partial<HealthCheckState> = {}): HealthCheckState {
  return {
    id: "hc-1",
    disabled: false,
    inverted: false,
    observations: REGIONS.map((region, i) => ({
      region,
      healthy: i < healthyCount,
      status: i < healthyCount ? "Success: HTTP Status Code 200, OK" : "Failure: Connection timed out.",
    })),
    ...flags,
  };
}

describe("guard", () => {
  describe("guardVerdict", () => {
    it("proceeds when no checker sees P healthy", () => {
      expect(guardVerdict(check(0))).toMatchObject({ proceed: true, code: "unhealthy", drill: false });
    });

    it("proceeds at 1 of 8 healthy (12.5%, not more than 18%)", () => {
      expect(guardVerdict(check(1))).toMatchObject({ proceed: true, code: "unhealthy" });
    });

    it("refuses at 2 of 8 healthy (25%): Route 53 still sees P healthy", () => {
      expect(guardVerdict(check(2))).toMatchObject({ proceed: false, code: "healthy" });
    });

    it("refuses a false positive: every checker sees P healthy", () => {
      const verdict = guardVerdict(check(8));
      expect(verdict).toMatchObject({ proceed: false, code: "healthy" });
      expect(verdict.reason).toContain("8 of 8");
    });

    it("proceeds on an inverted check (a drill) although the raw observations look healthy", () => {
      expect(guardVerdict(check(8, { inverted: true }))).toMatchObject({
        proceed: true,
        code: "drill",
        drill: true,
      });
    });

    it("refuses a latched check (Disabled + Inverted): a failover is done or under way", () => {
      expect(guardVerdict(check(8, { disabled: true, inverted: true }))).toMatchObject({
        proceed: false,
        code: "latched",
      });
    });

    it("refuses a disabled check, which Route 53 treats as healthy", () => {
      expect(guardVerdict(check(0, { disabled: true }))).toMatchObject({ proceed: false, code: "disabled" });
    });

    it("refuses without observations or without a health check", () => {
      expect(guardVerdict({ ...check(0), observations: [] })).toMatchObject({
        proceed: false,
        code: "no-observations",
      });
      expect(guardVerdict(undefined)).toMatchObject({ proceed: false, code: "missing" });
    });
  });

  describe("seenHealthy", () => {
    it("is true only for an enabled, non-inverted check Route 53 sees healthy", () => {
      expect(seenHealthy(check(8))).toBe(true);
      expect(seenHealthy(check(1))).toBe(false);
      expect(seenHealthy(check(8, { inverted: true }))).toBe(false);
      expect(seenHealthy(check(8, { disabled: true }))).toBe(false);
      expect(seenHealthy(undefined)).toBe(false);
    });
  });
});
