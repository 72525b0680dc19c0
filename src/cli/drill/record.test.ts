import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { fakeSignalPorts } from "../../../test/fixtures/signal-ports.js";
import { DRILL_RECORD_SLACK_MS, drillRecordFor, endDrillRecord } from "./record.js";

const config = exampleConfig();
const NOW = Date.parse("2026-12-03T12:00:00Z");

describe("drill record", () => {
  describe("drillRecordFor", () => {
    it("lives for the drill's timeout plus the slack", () => {
      expect(drillRecordFor(config, "alice", 1200, NOW)).toEqual({
        deployment: config.deployment,
        startedAt: "2026-12-03T12:00:00.000Z",
        by: "alice",
        expiresAt: new Date(NOW + 1_200_000 + DRILL_RECORD_SLACK_MS).toISOString(),
      });
    });
  });

  describe("endDrillRecord", () => {
    it("removes the drill record", async () => {
      const { drill: port, drillRecords } = fakeSignalPorts();
      await port.write(drillRecordFor(config, "alice", 120, NOW));
      await endDrillRecord(port, config, () => {});
      expect(drillRecords.size).toBe(0);
    });

    it("warns instead of failing when the record cannot be removed (it expires by itself)", async () => {
      const warnings: string[] = [];
      const port = { ...fakeSignalPorts().drill, remove: () => Promise.reject(new Error("AccessDenied")) };
      await endDrillRecord(port, config, (m) => warnings.push(m));
      expect(warnings[0]).toMatch(/AccessDenied.*stops counting/);
    });
  });
});
