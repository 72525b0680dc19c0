import { describe, expect, it } from "vitest";
import {
  answerFailover,
  type DnsState,
  type FailoverRecord,
  healthCheckHealthy,
  normaliseDnsName,
  observedHealthy,
  recordHealthy,
} from "./dns.js";

const primary: FailoverRecord = {
  role: "PRIMARY",
  target: "p-alb",
  healthCheckId: "hc",
  evaluateTargetHealth: true,
};
const secondary: FailoverRecord = { role: "SECONDARY", target: "b-alb", evaluateTargetHealth: true };

function state(
  hc: { disabled?: boolean; inverted?: boolean; observed?: boolean },
  targets: Record<string, number>,
): DnsState {
  return {
    records: [primary, secondary],
    healthChecks: {
      hc: {
        disabled: hc.disabled ?? false,
        inverted: hc.inverted ?? false,
        observedHealthy: hc.observed ?? true,
      },
    },
    healthyTargets: targets,
  };
}

const answer = (s: DnsState) => answerFailover(s.records, (r) => recordHealthy(s, r));

describe("dns", () => {
  describe("healthCheckHealthy", () => {
    it("follows the checkers when enabled and not inverted", () => {
      expect(healthCheckHealthy({ disabled: false, inverted: false, observedHealthy: true })).toBe(true);
      expect(healthCheckHealthy({ disabled: false, inverted: false, observedHealthy: false })).toBe(false);
    });
    it("inverts the checkers' result (a drill marks P unhealthy this way)", () => {
      expect(healthCheckHealthy({ disabled: false, inverted: true, observedHealthy: true })).toBe(false);
    });
    it("counts a disabled check healthy, and Disabled + Inverted always unhealthy (the latch)", () => {
      expect(healthCheckHealthy({ disabled: true, inverted: false, observedHealthy: false })).toBe(true);
      expect(healthCheckHealthy({ disabled: true, inverted: true, observedHealthy: true })).toBe(false);
      expect(healthCheckHealthy({ disabled: true, inverted: true, observedHealthy: false })).toBe(false);
    });
  });

  describe("observedHealthy", () => {
    it("needs more than 18% of checkers reporting success", () => {
      expect(
        observedHealthy([
          "Success: HTTP 200",
          "Failure: timeout",
          "Failure: timeout",
          "Failure: x",
          "Failure: y",
        ]),
      ).toBe(true);
      expect(observedHealthy(["Success: HTTP 200", ...Array(5).fill("Failure: timeout")])).toBe(false);
      expect(observedHealthy([])).toBe(false);
    });
  });

  describe("answerFailover", () => {
    it("answers the primary while it is healthy", () => {
      expect(answer(state({}, { "p-alb": 2, "b-alb": 0 }))).toMatchObject({
        role: "PRIMARY",
        target: "p-alb",
      });
    });
    it("answers the secondary when the primary is unhealthy and the secondary has healthy targets", () => {
      expect(answer(state({ inverted: true }, { "p-alb": 2, "b-alb": 1 }))).toMatchObject({
        role: "SECONDARY",
        target: "b-alb",
      });
    });
    it("answers the primary when both are unhealthy (B's empty ALB before capacity arrives)", () => {
      const a = answer(state({ inverted: true }, { "p-alb": 2, "b-alb": 0 }));
      expect(a).toMatchObject({ role: "PRIMARY", target: "p-alb" });
      expect(a.reason).toContain("both unhealthy");
    });
    it("treats a primary without healthy targets as unhealthy when it evaluates target health", () => {
      expect(answer(state({}, { "p-alb": 0, "b-alb": 1 }))).toMatchObject({ role: "SECONDARY" });
    });
    it("leaves the decision to the health check when a region's target health is unknown", () => {
      expect(answer(state({}, { "b-alb": 1 }))).toMatchObject({ role: "PRIMARY" });
    });
    it("stays on the secondary while the latch holds, whatever P answers", () => {
      expect(
        answer(state({ disabled: true, inverted: true, observed: true }, { "p-alb": 2, "b-alb": 2 })),
      ).toMatchObject({
        role: "SECONDARY",
      });
    });
  });

  describe("normaliseDnsName", () => {
    it("drops case, the trailing dot and dualstack.", () => {
      expect(normaliseDnsName("dualstack.My-ALB-1.eu-west-1.elb.amazonaws.com.")).toBe(
        "my-alb-1.eu-west-1.elb.amazonaws.com",
      );
    });
  });
});
