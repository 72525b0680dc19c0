import { describe, expect, it } from "vitest";
import {
  albHealthy,
  answerFailover,
  answerFromState,
  type CheckerResponse,
  calculatedHealthy,
  calculatedStatus,
  checkerPasses,
  checkersSeeHealthy,
  checkStatus,
  type DnsState,
  type FailoverRecord,
  healthCheckStatus,
  healthSignalAnswer,
  healthSignalVerdict,
  LATCH_SIGNAL_VALUES,
  latchCheckHealthy,
  latchObjectCheckHealthy,
  latchSignalAnswer,
  normaliseDnsName,
  RECORD_CHECK_THRESHOLDS,
  recordHealthy,
  reportPasses,
  signalVerdict,
} from "./route53.js";

// Each rule names the page of the Route 53 Developer Guide (DG) or API Reference (API) it follows.

const primary: FailoverRecord = {
  role: "PRIMARY",
  target: "p-alb",
  healthCheckId: "hc",
  evaluateTargetHealth: false,
};
const secondary: FailoverRecord = { role: "SECONDARY", target: "b-alb", evaluateTargetHealth: true };

function state(
  hc: { disabled?: boolean; inverted?: boolean; observed?: boolean },
  targets: Record<string, number>,
  records: FailoverRecord[] = [primary, secondary],
): DnsState {
  return {
    records,
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

/**
 * The pair as terraform/modules/dns builds it. PRIMARY carries the calculated check `calc` over P's
 * endpoint check `hc` and the inverted latch check; SECONDARY carries `calc-b` over the latch check
 * not inverted and B's endpoint check `hc-b` (B's ALB's shallow path), without target evaluation.
 * The latch checks' checkers get 200 while the latch object exists and 404 once it is absent.
 */
function latchedState(o: {
  latchRead: boolean;
  endpoint?: boolean;
  backup?: boolean;
  backupTargets?: number;
}): DnsState {
  const latchResponses = [{ status: o.latchRead ? 200 : 404 }];
  return {
    records: [
      { ...primary, healthCheckId: "calc" },
      { role: "SECONDARY", target: "b-alb", healthCheckId: "calc-b", evaluateTargetHealth: false },
    ],
    healthChecks: {
      hc: { disabled: false, inverted: false, observedHealthy: o.endpoint ?? true },
      "hc-b": { disabled: false, inverted: false, observedHealthy: o.backup ?? true },
    },
    calculatedChecks: {
      calc: { children: ["hc", "latch"], healthThreshold: RECORD_CHECK_THRESHOLDS.primary },
      "calc-b": { children: ["latch-set", "hc-b"], healthThreshold: RECORD_CHECK_THRESHOLDS.secondary },
    },
    latchChecks: {
      latch: { inverted: true, responses: latchResponses },
      "latch-set": { inverted: false, responses: latchResponses },
    },
    healthyTargets: { "p-alb": 2, "b-alb": o.backupTargets ?? 2 },
  };
}

const verdicts = (healthy: number, total: number) => Array.from({ length: total }, (_, i) => i < healthy);

describe("route53", () => {
  describe("checkerPasses (API_HealthCheckConfig.html, Type)", () => {
    it("passes an HTTP status of 200 or greater and less than 400", () => {
      expect(checkerPasses({ status: 200 })).toBe(true);
      expect(checkerPasses({ status: 302 })).toBe(true);
      expect(checkerPasses({ status: 399 })).toBe(true);
    });
    it("fails 1xx, 4xx and 5xx, and no answer in time", () => {
      expect(checkerPasses({ status: 199 })).toBe(false);
      expect(checkerPasses({ status: 403 })).toBe(false);
      expect(checkerPasses({ status: 404 })).toBe(false);
      expect(checkerPasses({ status: 503 })).toBe(false);
      expect(checkerPasses({})).toBe(false);
    });
    it("STR_MATCH: needs the search string within the first 5,120 bytes of the body", () => {
      const ok = '{"status":"ok"}';
      expect(checkerPasses({ status: 200, body: ok }, ok)).toBe(true);
      expect(checkerPasses({ status: 200, body: `${"x".repeat(5120 - ok.length)}${ok}` }, ok)).toBe(true);
      expect(checkerPasses({ status: 200, body: `${"x".repeat(5121 - ok.length)}${ok}` }, ok)).toBe(false);
      expect(checkerPasses({ status: 503, body: ok }, ok)).toBe(false);
      expect(checkerPasses({ status: 200, body: '{"status":"unavailable"}' }, ok)).toBe(false);
    });
    it("STR_MATCH: counts bytes, not characters", () => {
      // "é" is two bytes in UTF-8: 2,560 of them fill the 5,120 bytes.
      expect(checkerPasses({ status: 200, body: `${"é".repeat(2560)}ok` }, "ok")).toBe(false);
      expect(checkerPasses({ status: 200, body: `${"é".repeat(2559)}ok` }, "ok")).toBe(true);
    });
  });

  describe("reportPasses (API_StatusReport.html)", () => {
    it("reads a Success report as passing and a Failure report as failing", () => {
      expect(reportPasses("Success: HTTP Status Code 200, OK")).toBe(true);
      expect(reportPasses("Failure: Connection timed out.")).toBe(false);
      expect(reportPasses("")).toBe(false);
    });
  });

  describe("checkersSeeHealthy (DG dns-failover-determining-health-of-endpoints.html)", () => {
    it("is healthy when more than 18% of the checkers report healthy", () => {
      expect(checkersSeeHealthy(verdicts(1, 5))).toBe(true); // 20%
      expect(checkersSeeHealthy(verdicts(2, 8))).toBe(true); // 25%
    });
    it("is unhealthy when 18% or less report healthy", () => {
      expect(checkersSeeHealthy(verdicts(1, 6))).toBe(false); // 16.7%
      expect(checkersSeeHealthy(verdicts(1, 8))).toBe(false); // 12.5%
      expect(checkersSeeHealthy(verdicts(9, 50))).toBe(false); // exactly 18%
      expect(checkersSeeHealthy(verdicts(0, 8))).toBe(false);
    });
    it("takes no observation as no evidence of health", () => {
      expect(checkersSeeHealthy([])).toBe(false);
    });
  });

  describe("healthCheckStatus (API_HealthCheckConfig.html, Disabled and Inverted)", () => {
    it("follows the result when enabled and not inverted", () => {
      expect(healthCheckStatus(true, { disabled: false, inverted: false })).toBe(true);
      expect(healthCheckStatus(false, { disabled: false, inverted: false })).toBe(false);
    });
    it("Inverted: unhealthy when the status is healthy and vice versa (DG health-checks-invert.html)", () => {
      expect(healthCheckStatus(true, { disabled: false, inverted: true })).toBe(false);
      expect(healthCheckStatus(false, { disabled: false, inverted: true })).toBe(true);
    });
    it("Disabled: always healthy, whatever the checkers see", () => {
      expect(healthCheckStatus(false, { disabled: true, inverted: false })).toBe(true);
    });
    it("Disabled + Inverted: always unhealthy", () => {
      expect(healthCheckStatus(true, { disabled: true, inverted: true })).toBe(false);
      expect(healthCheckStatus(false, { disabled: true, inverted: true })).toBe(false);
    });
  });

  describe("calculatedHealthy (API_HealthCheckConfig.html, HealthThreshold)", () => {
    it("is healthy when at least HealthThreshold children are healthy", () => {
      expect(calculatedHealthy([true, true], 2)).toBe(true);
      expect(calculatedHealthy([true, false, true], 2)).toBe(true);
      expect(calculatedHealthy([true, false], 2)).toBe(false);
    });
    it("a threshold above the number of children: always unhealthy", () => {
      expect(calculatedHealthy([true, true], 3)).toBe(false);
    });
    it("a threshold of 0: always healthy", () => {
      expect(calculatedHealthy([false, false], 0)).toBe(true);
      expect(calculatedHealthy([], 0)).toBe(true);
    });
  });

  describe("the latch (standby takes over primary: calculated(P's endpoint AND inverted latch-object check))", () => {
    const everyChecker = (r: CheckerResponse) => Array.from({ length: 8 }, () => r);

    it("an absent object (403/404 from S3) reads healthy: inverted failure (DG health-checks-invert.html)", () => {
      expect(latchCheckHealthy(everyChecker({ status: 404 }))).toBe(true);
      expect(latchCheckHealthy(everyChecker({ status: 403 }))).toBe(true);
    });
    it("an unreachable B reads healthy: an outage of B never fails P over", () => {
      expect(latchCheckHealthy(everyChecker({}))).toBe(true);
    });
    it("a written object latches once more than 18% of the checkers read it", () => {
      expect(latchCheckHealthy(everyChecker({ status: 200 }))).toBe(false);
      const two = [{ status: 200 }, { status: 200 }, ...Array.from({ length: 6 }, () => ({}))];
      expect(latchCheckHealthy(two)).toBe(false); // 25% read it
      const one = [{ status: 200 }, ...Array.from({ length: 7 }, () => ({}))];
      expect(latchCheckHealthy(one)).toBe(true); // 12.5%: not yet
    });
    it("PRIMARY is healthy only while P's endpoint is healthy and the latch is not set (threshold 2)", () => {
      expect(checkStatus(latchedState({ latchRead: false }), "calc")).toBe(true);
      expect(checkStatus(latchedState({ latchRead: false, endpoint: false }), "calc")).toBe(false);
      expect(checkStatus(latchedState({ latchRead: true }), "calc")).toBe(false);
      expect(checkStatus(latchedState({ latchRead: true, endpoint: false }), "calc")).toBe(false);
    });
    it("a latched P stays unhealthy although P answers again: no automatic failback", () => {
      expect(checkStatus(latchedState({ latchRead: true, endpoint: true }), "calc")).toBe(false);
    });
    it("the latch-set check (not inverted) is healthy exactly while the checkers read the object", () => {
      expect(latchObjectCheckHealthy(everyChecker({ status: 200 }), false)).toBe(true);
      expect(latchObjectCheckHealthy(everyChecker({ status: 404 }), false)).toBe(false);
      expect(latchObjectCheckHealthy(everyChecker({}), false)).toBe(false); // B unreachable: not set
    });
    it("SECONDARY is healthy while the latch is set OR B answers (threshold 1)", () => {
      expect(checkStatus(latchedState({ latchRead: true, backup: false }), "calc-b")).toBe(true);
      expect(checkStatus(latchedState({ latchRead: false, backup: true }), "calc-b")).toBe(true);
      expect(checkStatus(latchedState({ latchRead: false, backup: false }), "calc-b")).toBe(false);
    });
  });

  describe("albHealthy (API_AliasTarget.html, EvaluateTargetHealth for ALBs)", () => {
    it("needs a healthy target; a target group without registered targets is unhealthy", () => {
      expect(albHealthy(1)).toBe(true);
      expect(albHealthy(0)).toBe(false);
    });
  });

  describe("recordHealthy (DG health-checks-how-route-53-chooses-records.html)", () => {
    const noCheck: FailoverRecord = { role: "SECONDARY", target: "b", evaluateTargetHealth: false };
    it("a record without a health check (and no target evaluation) is always healthy", () => {
      expect(recordHealthy(noCheck, {})).toBe(true);
      expect(recordHealthy(noCheck, { target: false })).toBe(true);
    });
    it("a record with a health check follows its status", () => {
      expect(recordHealthy(primary, { healthCheck: true })).toBe(true);
      expect(recordHealthy(primary, { healthCheck: false })).toBe(false);
    });
    it("an alias with EvaluateTargetHealth follows its target (API_AliasTarget.html)", () => {
      expect(recordHealthy(secondary, { target: true })).toBe(true);
      expect(recordHealthy(secondary, { target: false })).toBe(false);
    });
    it("health check and EvaluateTargetHealth together: both must be true (DG resource-record-sets-values-failover-alias.html)", () => {
      const both: FailoverRecord = { ...primary, evaluateTargetHealth: true };
      expect(recordHealthy(both, { healthCheck: true, target: true })).toBe(true);
      expect(recordHealthy(both, { healthCheck: true, target: false })).toBe(false);
      expect(recordHealthy(both, { healthCheck: false, target: true })).toBe(false);
    });
  });

  describe("answerFailover (DG routing-policy-failover.html, health-checks-how-route-53-chooses-records.html)", () => {
    it("answers the primary while it is healthy", () => {
      expect(answerFromState(state({}, { "p-alb": 2, "b-alb": 0 }))).toMatchObject({
        role: "PRIMARY",
        target: "p-alb",
      });
    });
    it("answers the secondary when the primary is unhealthy and the secondary healthy", () => {
      expect(answerFromState(state({ observed: false }, { "p-alb": 2, "b-alb": 1 }))).toMatchObject({
        role: "SECONDARY",
        target: "b-alb",
      });
    });
    it("no record healthy: all count as healthy, so the primary answers (B's empty group before capacity)", () => {
      const a = answerFromState(state({ observed: false }, { "p-alb": 0, "b-alb": 0 }));
      expect(a).toMatchObject({ role: "PRIMARY", target: "p-alb" });
      expect(a.reason).toContain("no record healthy");
    });
    it("a primary that evaluates target health is unhealthy without healthy targets", () => {
      const p = { ...primary, evaluateTargetHealth: true };
      expect(answerFromState(state({}, { "p-alb": 0, "b-alb": 1 }, [p, secondary]))).toMatchObject({
        role: "SECONDARY",
      });
    });
    it("a primary that does not evaluate target health follows its health check only", () => {
      expect(answerFromState(state({}, { "p-alb": 0, "b-alb": 1 }))).toMatchObject({ role: "PRIMARY" });
    });
    it("unknown target health (the region's API did not answer) leaves the health check to decide", () => {
      expect(answerFromState(state({ observed: false }, { "p-alb": 2 }))).toMatchObject({
        role: "SECONDARY",
      });
    });
    it("latched: stays on B when B loses every target, no flip-back to the stale P (the SECONDARY's own check, no target evaluation)", () => {
      const a = answerFromState(latchedState({ latchRead: true, backup: false, backupTargets: 0 }));
      expect(a).toMatchObject({ role: "SECONDARY", target: "b-alb" });
    });
    it("an unchecked SECONDARY that evaluates target health flips back to the latched P when B loses its targets (why the SECONDARY carries a check)", () => {
      const s = latchedState({ latchRead: true, backupTargets: 0 });
      s.records[1] = secondary; // no health check, EvaluateTargetHealth: the records before issue 20
      const a = answerFromState(s);
      expect(a).toMatchObject({ role: "PRIMARY", target: "p-alb" });
      expect(a.reason).toContain("no record healthy");
    });
    it("not latched, B at zero (its ALB answers 503): no record healthy, a failing P keeps its traffic", () => {
      const a = answerFromState(
        latchedState({ latchRead: false, endpoint: false, backup: false, backupTargets: 0 }),
      );
      expect(a).toMatchObject({ role: "PRIMARY" });
      expect(a.reason).toContain("no record healthy");
    });
    it("not latched, B answering (capacity launched) and P failing: B answers", () => {
      expect(answerFromState(latchedState({ latchRead: false, endpoint: false }))).toMatchObject({
        role: "SECONDARY",
      });
    });
    it("stays on the secondary while the latch object is read by the checkers, whatever P answers", () => {
      expect(answerFromState(latchedState({ latchRead: true }))).toMatchObject({ role: "SECONDARY" });
    });
    it("answers the primary under the calculated check while P's endpoint is healthy and no latch is read", () => {
      expect(answerFromState(latchedState({ latchRead: false }))).toMatchObject({ role: "PRIMARY" });
    });
    it("refuses a pair without a PRIMARY record", () => {
      expect(() => answerFailover([secondary], () => true)).toThrow(/no PRIMARY/);
    });
  });

  describe("checkStatus: the records' calculated checks (API_HealthCheckConfig.html, ChildHealthChecks)", () => {
    it("the PRIMARY's is its two children combined: P's endpoint check AND the inverted latch check", () => {
      expect(checkStatus(latchedState({ latchRead: false }), "calc")).toBe(true);
      expect(checkStatus(latchedState({ latchRead: true }), "calc")).toBe(false);
      expect(checkStatus(latchedState({ latchRead: false, endpoint: false }), "calc")).toBe(false);
    });
    it("is not latched by an unreachable B: the latch check's checkers get no answer, inverted healthy", () => {
      const s = latchedState({ latchRead: false });
      for (const check of Object.values(s.latchChecks ?? {})) check.responses = [{}];
      expect(checkStatus(s, "calc")).toBe(true);
      expect(checkStatus(s, "latch-set")).toBe(false);
    });
    it("is unknown while P's endpoint check was not read and the latch does not decide it", () => {
      const s = latchedState({ latchRead: false });
      delete s.healthChecks.hc;
      expect(checkStatus(s, "calc")).toBeUndefined();
    });
    it("is decided by the children that were read when they suffice (a latch read, B's check not)", () => {
      const s = latchedState({ latchRead: true });
      delete s.healthChecks.hc;
      delete s.healthChecks["hc-b"];
      expect(checkStatus(s, "calc")).toBe(false);
      expect(checkStatus(s, "calc-b")).toBe(true);
    });
    it("reads any other check by its settings and its checkers", () => {
      expect(checkStatus(latchedState({ latchRead: true }), "hc")).toBe(true);
      expect(checkStatus(latchedState({ latchRead: true }), "unknown")).toBeUndefined();
    });
  });

  describe("the latch's truth table: latch x S3 in B x B answers x P answers -> what Route 53 answers", () => {
    // S3 in B down: the latch checks' checkers get no answer (the inverted one reads healthy, the
    // latch-set one unhealthy): the latch fails open and the endpoint checks decide (issue 20, defect 4).
    const rows: [latched: boolean, s3Up: boolean, b: boolean, p: boolean, answer: string][] = [
      [true, true, true, true, "SECONDARY"],
      [true, true, true, false, "SECONDARY"],
      [true, true, false, true, "SECONDARY"],
      [true, true, false, false, "SECONDARY"],
      [true, false, true, true, "PRIMARY"],
      [true, false, true, false, "SECONDARY"],
      [true, false, false, true, "PRIMARY"],
      [true, false, false, false, "PRIMARY"],
      [false, true, true, true, "PRIMARY"],
      [false, true, true, false, "SECONDARY"],
      [false, true, false, true, "PRIMARY"],
      [false, true, false, false, "PRIMARY"],
      [false, false, true, true, "PRIMARY"],
      [false, false, true, false, "SECONDARY"],
      [false, false, false, true, "PRIMARY"],
      [false, false, false, false, "PRIMARY"],
    ];
    it.each(rows)(
      "latched %s, S3 in B up %s, B answers %s, P answers %s: %s",
      (latched, s3Up, b, p, answer) => {
        const s = latchedState({ latchRead: latched, endpoint: p, backup: b, backupTargets: b ? 2 : 0 });
        if (!s3Up) for (const check of Object.values(s.latchChecks ?? {})) check.responses = [{}];
        expect(answerFromState(s).role).toBe(answer);
      },
    );
  });

  describe("calculatedStatus: HealthThreshold over children partly unknown", () => {
    it("is healthy once enough known children are, unhealthy once too few can be, else unknown", () => {
      expect(calculatedStatus([true, undefined], 1)).toBe(true);
      expect(calculatedStatus([false, undefined], 2)).toBe(false);
      expect(calculatedStatus([true, undefined], 2)).toBeUndefined();
      expect(calculatedStatus([false, false], 1)).toBe(false);
      expect(calculatedStatus([true, true], 2)).toBe(true);
    });
  });

  describe("normaliseDnsName", () => {
    it("drops case, the trailing dot and dualstack. (alias targets as Route 53 returns them)", () => {
      expect(normaliseDnsName("dualstack.My-ALB-1.eu-west-1.elb.amazonaws.com.")).toBe(
        "my-alb-1.eu-west-1.elb.amazonaws.com",
      );
    });
  });
});

describe("healthSignalVerdict: the health-signal TXT pair", () => {
  it("reads the PRIMARY's and the SECONDARY's value, joining a value split into strings", () => {
    expect(healthSignalVerdict([["primary-healthy"]])).toBe("healthy");
    expect(healthSignalVerdict([["primary-", "unhealthy"]])).toBe("unhealthy");
  });
  it("reads nothing from an answer without either value", () => {
    expect(healthSignalVerdict([])).toBeUndefined();
    expect(healthSignalVerdict([["v=spf1 -all"]])).toBeUndefined();
  });

  describe("healthSignalAnswer", () => {
    it("answers the PRIMARY value while P's endpoint check is healthy, the SECONDARY value otherwise", () => {
      // health-checks-how-route-53-chooses-records.html: the SECONDARY has no check, so it is healthy
      expect(healthSignalAnswer(true)).toBe("primary-healthy");
      expect(healthSignalAnswer(false)).toBe("primary-unhealthy");
    });
  });
});

describe("the latch-signal TXT pair", () => {
  it("answers latch-open while the inverted latch check is healthy (no latch seen), latch-holding otherwise", () => {
    // health-checks-how-route-53-chooses-records.html: the SECONDARY has no check, so it is healthy
    expect(latchSignalAnswer(true)).toBe("latch-open");
    expect(latchSignalAnswer(false)).toBe("latch-holding");
  });
  it("reads both values back, and nothing from the health-signal pair's", () => {
    expect(signalVerdict(LATCH_SIGNAL_VALUES, [["latch-", "open"]])).toBe("open");
    expect(signalVerdict(LATCH_SIGNAL_VALUES, [["latch-holding"]])).toBe("holding");
    expect(signalVerdict(LATCH_SIGNAL_VALUES, [["primary-healthy"]])).toBeUndefined();
  });
});
