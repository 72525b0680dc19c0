import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { fakeSignalPorts } from "../../../test/fixtures/signal-ports.js";
import { DRILL_RECORD_SLACK_MS, withDrillRecord } from "./record.js";

const config = exampleConfig();
const NOW = Date.parse("2026-12-03T12:00:00Z");

describe("withDrillRecord", () => {
  it("writes the drill record before the drill runs and removes it when the drill ends", async () => {
    // Prepare
    const { drill: port, drillRecords } = fakeSignalPorts();
    let seen: unknown;
    // Act
    const result = await withDrillRecord(
      port,
      config,
      "alice",
      1200,
      async () => {
        seen = drillRecords.get("drill");
        return "report";
      },
      () => {},
      NOW,
    );
    // Assess
    expect(result).toBe("report");
    expect(seen).toEqual({
      deployment: config.deployment,
      startedAt: "2026-12-03T12:00:00.000Z",
      by: "alice",
      expiresAt: new Date(NOW + 1_200_000 + DRILL_RECORD_SLACK_MS).toISOString(),
    });
    expect(drillRecords.size).toBe(0);
  });

  it("removes the drill record when the drill fails, and rethrows its error", async () => {
    const { drill: port, drillRecords } = fakeSignalPorts();
    const failing = withDrillRecord(
      port,
      config,
      "alice",
      120,
      () => Promise.reject(new Error("boom")),
      () => {},
    );
    await expect(failing).rejects.toThrow("boom");
    expect(drillRecords.size).toBe(0);
  });

  it("warns, keeping the drill's outcome, when the record cannot be removed (it expires by itself)", async () => {
    const warnings: string[] = [];
    const port = { ...fakeSignalPorts().drill, remove: () => Promise.reject(new Error("AccessDenied")) };
    const result = await withDrillRecord(
      port,
      config,
      "alice",
      120,
      async () => 1,
      (m) => warnings.push(m),
    );
    expect(result).toBe(1);
    expect(warnings[0]).toMatch(/AccessDenied.*stops counting at/);
  });
});
