import { describe, expect, it } from "vitest";
import { PROBE_METRICS, probeData } from "./metrics.js";

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
        const data = probeData({ healthy }, { verdict, server: "ns-1", detail: "" });
        // Assess
        expect(data).toEqual([
          { name: PROBE_METRICS.probe, value: probe },
          { name: PROBE_METRICS.signal, value: signal },
        ]);
      },
    );

    it("leaves Route 53's verdict out when no name server answered: silence is not a vote against P", () => {
      // Act
      const data = probeData({ healthy: false }, { detail: "no name server answered" });
      // Assess
      expect(data).toEqual([{ name: PROBE_METRICS.probe, value: 0 }]);
    });
  });
});
