import { describe, expect, it, vi } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import type { ProbePorts } from "./ports.js";
import { runProbe } from "./run.js";

const config = exampleConfig();

function ports(overrides: Partial<ProbePorts> = {}): ProbePorts {
  return {
    probeEndpoint: vi.fn(async () => ({
      healthy: false,
      response: {},
      detail: "ECONNREFUSED",
      elapsedMs: 3,
    })),
    readHealthSignal: vi.fn(async () => ({ verdict: "unhealthy" as const, server: "ns-1", detail: "" })),
    publish: vi.fn(async () => {}),
    ...overrides,
  };
}

describe("probe run", () => {
  describe("runProbe", () => {
    it("probes config.probe.target and asks the health-signal name of the zone's name servers, with the probe's timeout", async () => {
      // Prepare
      const p = ports();
      const at = new Date("2026-12-03T10:00:00Z");
      // Act
      const report = await runProbe(p, config, at);
      // Assess
      expect(p.probeEndpoint).toHaveBeenCalledWith(config.probe.target, config.probe.timeoutMs);
      expect(p.readHealthSignal).toHaveBeenCalledWith(
        config.dns.healthSignal.name,
        config.dns.healthSignal.nameServers,
        config.probe.timeoutMs,
      );
      expect(p.publish).toHaveBeenCalledWith(config.deployment, report.published, at);
      expect(report.published).toEqual([
        { name: "PrimaryProbeHealthy", value: 0 },
        { name: "Route53SeesPrimaryHealthy", value: 0 },
      ]);
    });

    it("publishes P's datapoint without Route 53's verdict when the name servers take longer than the budget", async () => {
      // Prepare: a read that never ends
      const p = ports({ readHealthSignal: vi.fn(() => new Promise<never>(() => {})) });
      const fast = { ...config, probe: { ...config.probe, timeoutMs: 500 } };
      // Act
      const report = await runProbe(p, fast);
      // Assess
      expect(report.published).toEqual([{ name: "PrimaryProbeHealthy", value: 0 }]);
      expect(report.signal.detail).toContain("within 1000 ms");
    });

    it("fails the run when the metrics cannot be published, so the failure is seen (the next run tries again)", async () => {
      // Prepare
      const p = ports({ publish: vi.fn(async () => Promise.reject(new Error("Throttling"))) });
      // Act / Assess
      await expect(runProbe(p, config)).rejects.toThrow("Throttling");
    });
  });
});
