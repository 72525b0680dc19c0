import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { explainOverTarget, type RtoInputs, rtoInputsFromConfig, rtoModel, SCENARIOS } from "./rto.js";

const inputs = () => rtoInputsFromConfig(exampleConfig());

/**
 * terraform/variables.tf's defaults as the config document carries them (terraform/main.tf): the
 * figures below are the ones terraform/tests/plan.tftest.hcl ("rto_model_defaults") pins for
 * terraform/rto.tf, so the two implementations are held to the same numbers.
 */
const terraformDefaults = (): RtoInputs => ({
  ...inputs(),
  healthCheckIntervalSeconds: 10,
  healthCheckFailureThreshold: 3,
  alarmEvaluationPeriods: 2,
  probeCadenceSeconds: 10,
  probeFailureCount: 3,
  probeTimeoutSeconds: 6,
  probeAlarmEvaluationPeriods: 2,
  holdMaxSeconds: 120,
  metricDelaySeconds: { best: 10, typical: 30, worst: 60 },
  instanceLaunchSeconds: { best: 45, typical: 90, worst: 180 },
  warmPoolLaunchSeconds: { best: 15, typical: 30, worst: 60 },
  resolverCacheSeconds: { best: 0, typical: 30, worst: 120 },
  rtoTargetSeconds: 900,
});

describe("rtoModel", () => {
  it("sums detect + decide + max(promote, capacity + dns) for each case, P lost", () => {
    // Prepare: interval 30 x threshold 3, one 60 s alarm period, metric delay 90 s worst; the probe
    // every 10 s, 3 failures, 3 s timeout; best-effort calls 3 s (test/fixtures/config.ts)
    // Act
    const model = rtoModel(inputs());

    // Assess
    const { best, typical, worst } = model.scenarios["primary-lost"].cases;
    // Route 53's verdict: 30 x 3 + a whole interval of phase = 120 s
    expect(worst.triggers).toEqual({
      route53: 120 + 60 + 90,
      // 3 failures 10 s apart after a 70 s gap (cadence + EventBridge's one-minute precision) = 93 s,
      // but the guard proceeds only once Route 53 sees P down: the next notification after 120 s
      probe: 120 + 10,
      probeAlarm: 60 + 3 + 2 * 60 + 90,
    });
    expect(worst.detect).toBe(130);
    expect(worst.hold).toBe(0);
    expect(worst.decide).toBe(30 + 3);
    expect(worst.capacity).toBe(120 + 45 + 2 * 10);
    // Route 53 sees B healthy (120 s), a resolver's cached answer expires (TTL 60) + cache 60
    expect(worst.dns).toBe(120 + 60 + 60);
    expect(worst.total).toBe(130 + 33 + Math.max(420, 185 + 240));
    expect(best.dns).toBe(90);
    expect(best.total).toBeLessThan(typical.total);
    expect(typical.total).toBeLessThan(worst.total);
  });

  it("overlaps DNS with the promotion: a slow promotion hides capacity and DNS", () => {
    const slow = rtoModel({ ...inputs(), promoteSeconds: { best: 60, typical: 180, worst: 900 } });
    const w = slow.scenarios["primary-lost"].cases.worst;
    expect(w.total).toBe(w.detect + w.decide + 900);
  });

  it("detects by the probe's failure count x cadence when Route 53's verdict comes first", () => {
    // Prepare: Route 53 at 10 s x 3 (verdict within 40 s), the probe's own count the slower
    const model = rtoModel({ ...inputs(), healthCheckIntervalSeconds: 10 });
    const { best, typical, worst } = model.scenarios["primary-lost"].cases;
    // best: the first failing check at the failure, refused at once: 2 more cadences
    expect(best.triggers.probe).toBe(30);
    // typical: 5 + 2 x 10 + 3 = 28 s, but Route 53's verdict (35 s) and the next notification come later
    expect(typical.triggers.probe).toBe(30 + 5 + 5);
    expect(worst.triggers.probe).toBe(10 + 60 + 2 * 10 + 3);
    expect(worst.detect).toBe(93);
    // one failure is enough for a count of 1; the guard still waits for Route 53's verdict (40 s)
    const once = rtoModel({ ...inputs(), healthCheckIntervalSeconds: 10, probeFailureCount: 1 });
    expect(once.scenarios["primary-lost"].cases.worst.triggers.probe).toBe(10 + 60 + 3);
  });

  it("detects by the probe alone, and waits out us-east-1's timeouts, when P and us-east-1 are lost", () => {
    const model = rtoModel(inputs());
    const lost = model.scenarios["primary-and-us-east-1-lost"].cases;
    expect(lost.worst.triggers.route53).toBeNull();
    expect(lost.worst.detect).toBe(130);
    // the Route 53 API's timeout, then the health-signal read through DNS
    expect(lost.worst.decide).toBe(30 + 2 * 3);
    expect(lost.worst.total).toBe(591);
    expect(model.scenarios["primary-lost"].cases.worst.total).toBe(588);
    // a faster us-east-1 alarm helps only while us-east-1 stands
    const fast = rtoModel({ ...inputs(), metricDelaySeconds: { best: 0, typical: 0, worst: 0 } });
    expect(fast.scenarios["primary-and-us-east-1-lost"].cases.worst.detect).toBe(130);
  });

  it("holds an in-region recovery from the earliest alarm, for holdMaxSeconds and a re-evaluation tick", () => {
    const held = rtoModel(inputs()).scenarios["in-region-recovery-held"].cases;
    // the probe's direct notifications are held each; the hold counts from an alarm's transition
    expect(held.worst.detect).toBe(Math.min(270, 273));
    expect(held.worst.hold).toBe(90 + 60);
    expect(held.typical.hold).toBe(90 + 30);
    // P's API answers (it reports the recovery): no best-effort timeout
    expect(held.worst.decide).toBe(30);
    expect(held.worst.total).toBe(270 + 150 + 30 + 425);
  });

  it("refuses a hold the target cannot afford, naming the hold", () => {
    const model = rtoModel({ ...inputs(), holdMaxSeconds: 600 });
    expect(model.scenarios["primary-lost"].withinTarget).toBe(true);
    expect(model.scenarios["in-region-recovery-held"].withinTarget).toBe(false);
    expect(model.withinTarget).toBe(false);
    expect(explainOverTarget(model)).toBe(
      "scenario in-region-recovery-held: worst-case recovery 1385s exceeds the target 900s: " +
        "detect 270s (earliest of us-east-1 alarm 270s, probe alarm 273s) + hold 660s (hold max + a re-evaluation tick) + " +
        "decide 30s + max(promote 420s, capacity 185s + dns 240s). " +
        "Shorten detection (interval, failure threshold, alarm periods, probe cadence and failure count), shorten the hold, add a warm pool, or raise the target.",
    );
  });

  it("is within the target for the fixture and reports the detection window", () => {
    const model = rtoModel(inputs());
    expect(model.withinTarget).toBe(true);
    expect(model.detectionWindowSeconds).toBe(150);
  });

  it("meets issue 23's targets with the Terraform defaults: worst 600 s P lost, 720 s with us-east-1, typical 300 s", () => {
    const model = rtoModel(terraformDefaults());
    const pLost = model.scenarios["primary-lost"].cases;
    const both = model.scenarios["primary-and-us-east-1-lost"].cases;
    const held = model.scenarios["in-region-recovery-held"].cases;
    // the same figures as terraform/tests/plan.tftest.hcl "rto_model_defaults"
    expect(pLost.worst).toEqual({
      triggers: { route53: 220, probe: 96, probeAlarm: 246 },
      detect: 96,
      hold: 0,
      decide: 33,
      promote: 420,
      capacity: 245,
      dns: 220,
      total: 594,
    });
    expect(pLost.typical.total).toBe(268);
    expect(both.worst.total).toBe(597);
    expect(both.typical.total).toBe(271);
    expect(held.worst.total).toBe(895);
    expect(model.floor.total).toBe(92);
    expect(pLost.worst.total).toBeLessThanOrEqual(600);
    expect(both.worst.total).toBeLessThanOrEqual(720);
    for (const s of SCENARIOS.slice(0, 2))
      expect(model.scenarios[s].cases.typical.total).toBeLessThanOrEqual(300);
    expect(model.withinTarget).toBe(true);
  });

  it("takes the warm-pool launch time when a warm pool holds instances", () => {
    const cold = rtoModel(inputs()).scenarios["primary-lost"].cases.worst.capacity;
    const warm = rtoModel({ ...inputs(), warmPoolSize: 2 }).scenarios["primary-lost"].cases.worst.capacity;
    expect(cold - warm).toBe(120 - 40);
  });

  it("computes the floor from the fastest legal detection, whatever the settings", () => {
    const slow = rtoModel({ ...inputs(), healthCheckFailureThreshold: 10, probeFailureCount: 5 });
    expect(slow.floor).toEqual(rtoModel(inputs()).floor);
    // the us-east-1 alarm at 10 s x 1 and one period; the probe's one failure, at Route 53's verdict
    expect(slow.floor.triggers).toEqual({ route53: 10 + 60 + 30, probe: 10, probeAlarm: 60 + 30 });
    expect(slow.floor.detect).toBe(10);
  });

  it("names the scenario and every term when a worst case is over target", () => {
    const model = rtoModel({ ...inputs(), rtoTargetSeconds: 590 });
    expect(model.scenarios["primary-lost"].withinTarget).toBe(true);
    expect(model.scenarios["primary-and-us-east-1-lost"].withinTarget).toBe(false);
    expect(explainOverTarget(model)).toContain(
      "scenario primary-and-us-east-1-lost: worst-case recovery 591s exceeds the target 590s: " +
        "detect 130s (earliest of probe 130s) + decide 36s + max(promote 420s, capacity 185s + dns 240s)",
    );
  });
});
