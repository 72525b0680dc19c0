import { describe, expect, it } from "vitest";
import { seenHealthy } from "../shared/incident.js";
import type { HealthCheckState } from "../shared/ports.js";
import { drillLive, type GuardSignals, guardVerdict } from "./guard.js";

const NOW = Date.parse("2026-12-03T12:10:00Z");
const settings = { holdMaxSeconds: 600, alarmTime: "2026-12-03T12:05:00Z" };

/** The signals of a real outage of P: every row below changes only what it is about. */
function signals(over: Partial<GuardSignals> = {}): GuardSignals {
  return {
    latch: { latched: false, source: "latch object", detail: "absent" },
    drill: { source: "drill record", detail: "none" },
    route53: { verdict: "unhealthy", via: "api", inverted: false, source: "Route 53 API", detail: "0 of 8" },
    probe: { healthy: false, source: "B's probe", detail: "no answer after 3000 ms" },
    primaryRegion: { recovering: false, source: "P's RDS API", detail: "status available" },
    ...over,
  };
}

const liveDrill = {
  record: {
    deployment: "demo",
    startedAt: "2026-12-03T12:04:00Z",
    by: "alice",
    expiresAt: "2026-12-03T12:30:00Z",
  },
  source: "drill record",
  detail: "drill by alice",
};

describe("guard", () => {
  describe("guardVerdict (docs/functions.md decision table, one test per row)", () => {
    it("refuses latch-unknown when the latch object in B cannot be read", () => {
      const v = guardVerdict(signals({ latch: { source: "latch", detail: "AccessDenied" } }), settings, NOW);
      expect(v).toMatchObject({ proceed: false, code: "latch-unknown" });
    });

    it("refuses latched when the latch object exists: a failover is done or under way", () => {
      const v = guardVerdict(
        signals({ latch: { latched: true, source: "latch", detail: "x" } }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: false, code: "latched" });
    });

    it("proceeds as a drill on a live drill record and Route 53 unhealthy, whatever B's probe and P's API say", () => {
      // the drill record decides: B's probe and P's API are not weighed
      const v = guardVerdict(
        signals({
          drill: liveDrill,
          route53: { verdict: "unhealthy", via: "api", inverted: false, source: "api", detail: "0 of 8" },
          probe: { healthy: true, source: "probe", detail: "HTTP 200" },
          primaryRegion: { recovering: true, source: "rds", detail: "status rebooting" },
        }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: true, code: "drill", drill: true });
    });

    it("proceeds as a drill when Route 53's verdict came through DNS (inversion unseen)", () => {
      const v = guardVerdict(
        signals({
          drill: liveDrill,
          route53: { verdict: "unhealthy", via: "dns", source: "txt", detail: "primary-unhealthy" },
        }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: true, code: "drill" });
    });

    it("refuses inverted even while a drill is live: an inverted check's verdict says nothing of P (drills never invert)", () => {
      const v = guardVerdict(
        signals({
          drill: liveDrill,
          route53: { verdict: "unhealthy", via: "api", inverted: true, source: "api", detail: "x" },
        }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: false, code: "inverted" });
    });

    it("refuses inverted: an inverted endpoint check and no drill record", () => {
      const v = guardVerdict(
        signals({
          route53: { verdict: "unhealthy", via: "api", inverted: true, source: "api", detail: "x" },
        }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: false, code: "inverted" });
    });

    it("refuses inverted when the drill record expired", () => {
      const expired = { ...liveDrill, record: { ...liveDrill.record, expiresAt: "2026-12-03T12:09:59Z" } };
      const v = guardVerdict(
        signals({
          drill: expired,
          route53: { verdict: "unhealthy", via: "api", inverted: true, source: "api", detail: "x" },
        }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: false, code: "inverted" });
      expect(v.signals.find((s) => s.signal === "drill")?.reading).toBe("expired");
    });

    it("refuses no-route53-verdict when neither the API nor DNS answered, even with B's probe failing", () => {
      const v = guardVerdict(
        signals({ route53: { via: "none", source: "api; dns", detail: "API: TimeoutError; DNS: ETIMEOUT" } }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: false, code: "no-route53-verdict" });
    });

    it("refuses healthy when Route 53 sees P healthy (a false positive)", () => {
      const v = guardVerdict(
        signals({ route53: { verdict: "healthy", via: "dns", source: "txt", detail: "primary-healthy" } }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: false, code: "healthy" });
    });

    it("refuses probe-sees-healthy when Route 53 sees P down but B's probe gets an answer", () => {
      const v = guardVerdict(
        signals({ probe: { healthy: true, source: "probe", detail: "HTTP 200 in 40 ms" } }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: false, code: "probe-sees-healthy" });
    });

    it("holds while P's API reports an in-region recovery within holdMaxSeconds of the alarm", () => {
      const v = guardVerdict(
        signals({ primaryRegion: { recovering: true, source: "rds", detail: "status rebooting" } }),
        settings,
        NOW, // 300 s after the alarm, bound 600 s
      );
      expect(v).toMatchObject({ proceed: false, code: "hold" });
      expect(v.reason).toContain("300 s of 600 s");
    });

    it("proceeds hold-expired once the in-region recovery outlasts holdMaxSeconds", () => {
      const v = guardVerdict(
        signals({ primaryRegion: { recovering: true, source: "rds", detail: "status rebooting" } }),
        settings,
        Date.parse(settings.alarmTime) + 600_000,
      );
      expect(v).toMatchObject({ proceed: true, code: "hold-expired", drill: false });
    });

    it("proceeds when P's API is unreachable: no information, never a reason to wait", () => {
      const v = guardVerdict(
        signals({ primaryRegion: { source: "rds", detail: "unreachable: TimeoutError" } }),
        settings,
        NOW,
      );
      expect(v).toMatchObject({ proceed: true, code: "unhealthy", drill: false });
    });

    it("proceeds when Route 53 and B's probe see P down and P's API reports no recovery", () => {
      const v = guardVerdict(signals(), settings, NOW);
      expect(v).toMatchObject({ proceed: true, code: "unhealthy", drill: false });
    });

    it("lists every signal with its reading, source and detail", () => {
      const v = guardVerdict(signals(), settings, NOW);
      expect(v.signals.map((s) => [s.signal, s.reading])).toEqual([
        ["latch", "absent"],
        ["drill", "none"],
        ["route53", "unhealthy via api"],
        ["probe", "unhealthy"],
        ["primaryRegion", "no recovery"],
      ]);
      expect(v.signals.every((s) => s.source && s.detail)).toBe(true);
    });
  });

  describe("drillLive", () => {
    it("counts a drill record only before its expiresAt", () => {
      expect(drillLive(liveDrill.record, NOW)).toBe(true);
      expect(drillLive(liveDrill.record, Date.parse(liveDrill.record.expiresAt))).toBe(false);
      expect(drillLive(undefined, NOW)).toBe(false);
    });
  });
});

describe("incident", () => {
  describe("seenHealthy", () => {
    const check = (healthyCount: number, flags: Partial<HealthCheckState> = {}): HealthCheckState => ({
      id: "hc-1",
      disabled: false,
      inverted: false,
      observations: Array.from({ length: 8 }, (_, i) => ({
        region: `r-${i}`,
        healthy: i < healthyCount,
        status: i < healthyCount ? "Success: HTTP Status Code 200, OK" : "Failure: Connection timed out.",
      })),
      ...flags,
    });
    it("is true only for an enabled, non-inverted check Route 53 sees healthy", () => {
      expect(seenHealthy(check(8))).toBe(true);
      expect(seenHealthy(check(1))).toBe(false);
      expect(seenHealthy(check(8, { inverted: true }))).toBe(false);
      expect(seenHealthy(check(8, { disabled: true }))).toBe(false);
      expect(seenHealthy(undefined)).toBe(false);
    });
  });
});
