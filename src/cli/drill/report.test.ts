import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { rtoInputsFromConfig, rtoModel } from "../../core/rto.js";
import { loadStats } from "../../local/load.js";
import { timelineGantt } from "./evidence.js";
import { type DrillReport, renderMarkdown, userVisibleGapMs } from "./report.js";

function report(overrides: Partial<DrillReport> = {}): DrillReport {
  return {
    schemaVersion: 1,
    ranBy: { operator: "ana", host: "ops-1", awsIdentity: "arn:aws:sts::123456789012:assumed-role/dr/ana" },
    subject: {
      deployment: "demo",
      primaryRegion: "us-east-1",
      backupRegion: "us-west-2",
      pilotlightVersion: "0.1.0",
      configVersion: 1,
      nodeVersion: "v22.0.0",
    },
    scenario: "P lost",
    objectives: { rtoSeconds: 900, rpoSeconds: 60 },
    mode: "local",
    startedAt: "2026-11-26T01:00:00.000Z",
    finishedAt: "2026-11-26T01:00:20.000Z",
    failureInjectedAt: "2026-11-26T01:00:10.000Z",
    method: ["P's app stopped"],
    milestones: [
      { name: "failure injected", at: "2026-11-26T01:00:10.000Z", sinceFailureMs: 0, source: "harness" },
      { name: "DNS answering B", source: "resolver" },
    ],
    recoverySeconds: 2.5,
    model: rtoModel(rtoInputsFromConfig(exampleConfig())).scenarios["primary-lost"],
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
        "**recovery (failure to B serving: DNS answering B, database promoted): 2.5 s**; model: typical 378 s, worst 588 s, target 900 s",
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
        "during the switch (failure to B serving): 1 requests, 0 ok, 1 failed (1 x ECONNREFUSED); P 1, B 0",
      );
      expect(md).toContain("longest gap without a successful request: 0.9s");
      expect(md).toContain(
        "writes acknowledged before the failure: 10; readable after the switch: 10; lost: 0",
      );
    });

    it("opens with the evidence an auditor asks for: who, on what, which scenario, the schema version", () => {
      const md = renderMarkdown(report());
      expect(md).toContain("- report schema version 1");
      expect(md).toContain("- ran by ana on ops-1 as arn:aws:sts::123456789012:assumed-role/dr/ana");
      expect(md).toContain(
        "- on deployment demo: primary us-east-1, backup us-west-2; pilotlight 0.1.0, config version 1, Node.js v22.0.0",
      );
      expect(md).toContain("- scenario: P lost");
    });

    it("sets measured recovery and data loss against the objectives", () => {
      const met = renderMarkdown(
        report({ rpo: { writesAckedBeforeFailure: 4, readableAfter: 4, missing: [] } }),
      );
      expect(met).toContain("| RTO | 900 s | 2.5 s | met |");
      expect(met).toContain("| RPO | 60 s | 0 of 4 acknowledged writes lost | met |");
      const missed = renderMarkdown(
        report({
          recoverySeconds: 901,
          rpo: { writesAckedBeforeFailure: 4, readableAfter: 3, missing: ["7"] },
        }),
      );
      expect(missed).toContain("| RTO | 900 s | 901.0 s | **NOT MET** |");
      expect(missed).toContain("| RPO | 60 s | 1 of 4 acknowledged writes lost | **NOT MET** |");
      const { recoverySeconds: _, ...unreached } = report();
      expect(renderMarkdown(unreached)).toContain("| RTO | 900 s | DNS never answered B | **NOT MET** |");
      expect(renderMarkdown(report())).toContain("| RPO | 60 s | not measured | not measured |");
    });

    it("takes the RPO from the failover record's lag estimate where no writes were counted", () => {
      const base = report();
      const md = renderMarkdown({
        ...base,
        failoverRecord: { rpoEstimateSeconds: 75 } as NonNullable<DrillReport["failoverRecord"]>,
      });
      expect(md).toContain("| RPO | 60 s | replica lag before promotion 75 s (estimate) | **NOT MET** |");
    });
  });

  describe("timelineGantt", () => {
    it("charts each reached milestone from the failure beside the model's typical terms", () => {
      const r = report({
        milestones: [
          { name: "failure injected", at: "x", sinceFailureMs: 0, source: "h" },
          { name: "DNS answering B: #1", at: "y", sinceFailureMs: 2500, source: "r" },
          { name: "never", source: "r" },
        ],
      });
      const chart = timelineGantt(r.milestones, r.model);
      const t = r.model.cases.typical;
      expect(chart[0]).toBe("```mermaid");
      expect(chart).toContain("  dateFormat x");
      expect(chart).toContain("  failure injected :m0, 0, 1");
      expect(chart).toContain("  DNS answering B   1 :m1, 0, 2500");
      expect(chart.join("\n")).not.toContain("never");
      expect(chart).toContain(`  detect :d1, 0, ${t.detect * 1000}`);
      // DNS after capacity, beside the promotion: max(promote, capacity + dns)
      expect(chart).toContain(`  dns :d5, ${(t.total - t.dns) * 1000}, ${t.total * 1000}`);
      expect(chart).toContain(
        `  promote :d3, ${(t.detect + t.decide) * 1000}, ${(t.detect + t.decide + t.promote) * 1000}`,
      );
      expect(renderMarkdown(r)).toContain(chart.join("\n"));
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
