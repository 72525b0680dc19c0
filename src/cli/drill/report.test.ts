import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../core/config.fixture.js";
import { rtoInputsFromConfig, rtoModel } from "../../core/rto.js";
import { loadStats } from "../../local/load.js";
import { type DrillReport, renderMarkdown, userVisibleGapMs } from "./report.js";

function report(overrides: Partial<DrillReport> = {}): DrillReport {
  return {
    deployment: "demo",
    mode: "local",
    startedAt: "2026-11-26T01:00:00.000Z",
    finishedAt: "2026-11-26T01:00:20.000Z",
    failureInjectedAt: "2026-11-26T01:00:10.000Z",
    method: ["P's health check inverted"],
    milestones: [
      { name: "failure injected", at: "2026-11-26T01:00:10.000Z", sinceFailureMs: 0, source: "harness" },
      { name: "DNS answering B", source: "resolver" },
    ],
    recoverySeconds: 2.5,
    model: rtoModel(rtoInputsFromConfig(exampleConfig())),
    comparison: [
      { term: "total", modelTypicalSeconds: 500, modelWorstSeconds: 840, measuredSeconds: 2.5, note: "x" },
    ],
    expectations: [
      { name: "DNS answers B", ok: true, detail: "SECONDARY" },
      { name: "no write lost", ok: false, detail: "1 missing" },
    ],
    passed: false,
    ...overrides,
  };
}

describe("drill report", () => {
  describe("renderMarkdown", () => {
    it("gives the recovery against the model, the timeline and each expectation with its verdict", () => {
      const md = renderMarkdown(report());
      expect(md).toContain(
        "**recovery (failure to DNS answering B): 2.5 s**; model: typical 500 s, worst 840 s, target 900 s",
      );
      expect(md).toContain("| failure injected | 2026-11-26T01:00:10.000Z | 0.0s | harness |");
      expect(md).toContain("| DNS answering B | not reached | - | resolver |");
      expect(md).toContain("| **FAIL** | no write lost | 1 missing |");
      expect(md).toContain("UNMET EXPECTATIONS");
    });

    it("reports what users saw and the RPO in practice when the drill ran a load", () => {
      const records = [
        { at: 0, op: "write" as const, side: "primary" as const, status: 201, ok: true, ms: 5 },
        {
          at: 100,
          op: "write" as const,
          side: "primary" as const,
          status: 0,
          ok: false,
          ms: 1,
          error: "ECONNREFUSED",
        },
        { at: 900, op: "read" as const, side: "backup" as const, status: 200, ok: true, ms: 5 },
      ];
      const md = renderMarkdown(
        report({
          load: {
            total: loadStats(records),
            beforeFailure: loadStats(records.slice(0, 1)),
            duringSwitch: loadStats(records.slice(1, 2)),
            afterSwitch: loadStats(records.slice(2)),
            userVisibleGapMs: userVisibleGapMs(records),
          },
          rpo: { writesAckedBeforeFailure: 10, readableAfter: 10, missing: [] },
        }),
      );
      expect(md).toContain(
        "during the switch (failure to DNS answering B): 1 requests, 0 ok, 1 failed (1 x ECONNREFUSED); P 1, B 0",
      );
      expect(md).toContain("longest gap without a successful request: 0.9s");
      expect(md).toContain(
        "writes acknowledged before the failure: 10; readable after the switch: 10; lost: 0",
      );
    });
  });

  describe("userVisibleGapMs", () => {
    it("is the longest time between two successful requests", () => {
      expect(
        userVisibleGapMs([
          { at: 0, ok: true },
          { at: 50, ok: false },
          { at: 700, ok: true },
          { at: 800, ok: true },
        ]),
      ).toBe(700);
      expect(userVisibleGapMs([{ at: 0, ok: false }])).toBeUndefined();
    });
  });
});
