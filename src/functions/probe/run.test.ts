import { describe, expect, it, vi } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import type { ProbeResult } from "../shared/http-probe.js";
import type { ProbePorts } from "./ports.js";
import { runProbe } from "./run.js";

const config = exampleConfig();
const T0 = Date.parse("2026-12-07T10:00:00.000Z");

/** A clock whose sleeps pass at once: the checks' times are the ones the cadence sets. */
function fakeClock() {
  let now = T0;
  return {
    now: () => now,
    sleep: vi.fn(async (ms: number) => {
      now += ms;
    }),
  };
}

const ok: ProbeResult = { healthy: true, response: { status: 200 }, detail: "HTTP 200", elapsedMs: 20 };
const down: ProbeResult = {
  healthy: false,
  response: {},
  detail: "no answer after 3000 ms",
  elapsedMs: 3000,
};

/** P answers each check with the next of `answers` (the last one repeats). */
function ports(answers: ProbeResult[], overrides: Partial<ProbePorts> = {}): ProbePorts {
  let i = 0;
  return {
    probeEndpoint: vi.fn(async () => answers[Math.min(i++, answers.length - 1)] as ProbeResult),
    readHealthSignal: vi.fn(async () => ({ verdict: "unhealthy" as const, server: "ns-1", detail: "" })),
    publish: vi.fn(async () => {}),
    notify: vi.fn(async () => {}),
    clock: fakeClock(),
    ...overrides,
  };
}

const offsets = (report: { checks: Array<{ at: string }> }) =>
  report.checks.map((c) => (Date.parse(c.at) - T0) / 1000);
const notifiedAt = (report: { notified: Array<{ at: string }> }) =>
  report.notified.map((n) => (Date.parse(n.at) - T0) / 1000);

describe("probe run", () => {
  describe("runProbe", () => {
    it("checks P every cadenceSeconds through its minute and reads Route 53's verdict once", async () => {
      // Prepare: cadence 10 s, failure count 3 (test/fixtures/config.ts)
      const p = ports([ok]);
      // Act
      const report = await runProbe(p, config);
      // Assess
      expect(offsets(report)).toEqual([0, 10, 20, 30, 40, 50]);
      expect(p.probeEndpoint).toHaveBeenCalledWith(config.probe.target, config.probe.timeoutMs);
      expect(p.readHealthSignal).toHaveBeenCalledTimes(1);
      expect(p.readHealthSignal).toHaveBeenCalledWith(
        config.dns.healthSignal.name,
        config.dns.healthSignal.nameServers,
        config.probe.timeoutMs,
      );
      expect(p.notify).not.toHaveBeenCalled();
      expect(p.publish).toHaveBeenCalledWith(config.deployment, report.published);
      expect(report.published.map((d) => [d.name, d.value])).toEqual([
        ...Array.from({ length: 6 }, () => ["PrimaryProbeHealthy", 1]),
        ["Route53SeesPrimaryHealthy", 0],
      ]);
    });

    it("notifies the failover function at the failureCount-th consecutive failure and at each failed check after it", async () => {
      // Prepare: P passes twice, then fails
      const p = ports([ok, ok, down]);
      // Act
      const report = await runProbe(p, config);
      // Assess: failures at 20, 30, 40 s complete the run; 50 s asks again
      expect(notifiedAt(report)).toEqual([40, 50]);
      expect(p.notify).toHaveBeenCalledTimes(2);
      const message = JSON.parse((p.notify as ReturnType<typeof vi.fn>).mock.calls[0]?.[0]);
      expect(message).toMatchObject({
        AlarmName: config.probe.alarm.name,
        NewStateValue: "ALARM",
        StateChangeTime: "2026-12-07T10:00:40.000+0000",
      });
    });

    it("goes on past its minute while a run of failures is under way, so an invocation never cuts a run in two", async () => {
      // Prepare: P fails from the check at 40 s
      const p = ports([ok, ok, ok, ok, down]);
      // Act
      const report = await runProbe(p, config);
      // Assess: 40 and 50 s fail; one check more at 60 s completes the run, then the invocation ends
      expect(offsets(report)).toEqual([0, 10, 20, 30, 40, 50, 60]);
      expect(notifiedAt(report)).toEqual([60]);
    });

    it("starts the count again after a check that passes", async () => {
      const p = ports([down, down, ok, down, down, down]);
      const report = await runProbe(p, config);
      expect(notifiedAt(report)).toEqual([50]);
    });

    it("records a notification SNS refused and goes on: the next failed check and the alarm remain", async () => {
      // Prepare
      const p = ports([down], { notify: vi.fn(async () => Promise.reject(new Error("KMS.AccessDenied"))) });
      // Act
      const report = await runProbe(p, config);
      // Assess
      expect(report.notified).toHaveLength(4);
      expect(report.notified[0]?.error).toContain("KMS.AccessDenied");
      expect(p.publish).toHaveBeenCalledTimes(1);
    });

    it("publishes P's datapoints without Route 53's verdict when the name servers take longer than the budget", async () => {
      // Prepare: a read that never ends
      const p = ports([down], { readHealthSignal: vi.fn(() => new Promise<never>(() => {})) });
      const fast = { ...config, probe: { ...config.probe, timeoutMs: 500 } };
      // Act
      const report = await runProbe(p, fast);
      // Assess
      expect(report.published.every((d) => d.name === "PrimaryProbeHealthy")).toBe(true);
      expect(report.signal.detail).toContain("within 1000 ms");
    });

    it("fails the run when the metrics cannot be published, so the failure is seen (the next run tries again)", async () => {
      // Prepare
      const p = ports([ok], { publish: vi.fn(async () => Promise.reject(new Error("Throttling"))) });
      // Act / Assess
      await expect(runProbe(p, config)).rejects.toThrow("Throttling");
    });
  });
});
