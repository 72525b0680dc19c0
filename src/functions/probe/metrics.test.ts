import { describe, expect, it } from "vitest";
import { PROBE_METRICS, probeData } from "./metrics.js";

const at = "2026-12-07T10:00:00.000Z";
const later = "2026-12-07T10:00:10.000Z";

describe("probe metrics", () => {
  describe("probeData", () => {
    it.each([
      [true, "healthy", [1, 1]],
      [true, "unhealthy", [1, 0]],
      [false, "healthy", [0, 1]],
      [false, "unhealthy", [0, 0]],
    ] as const)(
      "publishes the probe's %s and Route 53's %s side by side",
      (healthy, verdict, [probe, signal]) => {
        // Act
        const data = probeData([{ healthy, at }], { verdict, server: "ns-1", detail: "" }, at);
        // Assess
        expect(data).toEqual([
          { name: PROBE_METRICS.probe, value: probe, at },
          { name: PROBE_METRICS.signal, value: signal, at },
        ]);
      },
    );

    it("publishes one datapoint per check, at its own time", () => {
      const data = probeData(
        [
          { healthy: true, at },
          { healthy: false, at: later },
        ],
        { detail: "no name server answered" },
        at,
      );
      expect(data).toEqual([
        { name: PROBE_METRICS.probe, value: 1, at },
        { name: PROBE_METRICS.probe, value: 0, at: later },
      ]);
    });

    it("leaves Route 53's verdict out when no name server answered: silence is not a vote against P", () => {
      // Act
      const data = probeData([{ healthy: false, at }], { detail: "no name server answered" }, at);
      // Assess
      expect(data).toEqual([{ name: PROBE_METRICS.probe, value: 0, at }]);
    });
  });
});
