import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { explainOverTarget, rtoInputsFromConfig, rtoModel } from "./rto.js";

const inputs = () => rtoInputsFromConfig(exampleConfig());

describe("rtoModel", () => {
  it("sums detect + decide + max(promote, capacity) + dns for each case, P lost", () => {
    // Prepare: interval 30 x threshold 3, one 60 s alarm period; the probe every 60 s, 3 s timeout,
    // two periods; best-effort calls 3 s (test/fixtures/config.ts)
    // Act
    const model = rtoModel(inputs());

    // Assess
    const { best, typical, worst } = model.scenarios["primary-lost"].cases;
    expect(worst.triggers).toEqual({ route53: 30 * 3 + 30 + 60 + 90, probe: 60 + 3 + 2 * 60 + 90 });
    expect(worst.detect).toBe(270);
    expect(worst.decide).toBe(30 + 3);
    expect(worst.capacity).toBe(120 + 45 + 2 * 10);
    expect(worst.dns).toBe(60 + 60);
    expect(worst.total).toBe(worst.detect + worst.decide + Math.max(420, worst.capacity) + worst.dns);
    expect(best.dns).toBe(0);
    expect(best.total).toBeLessThan(typical.total);
    expect(typical.total).toBeLessThan(worst.total);
  });

  it("detects by the probe alone, and waits out us-east-1's timeouts, when P and us-east-1 are lost", () => {
    const model = rtoModel(inputs());
    const lost = model.scenarios["primary-and-us-east-1-lost"].cases;
    const primaryLost = model.scenarios["primary-lost"].cases;
    expect(lost.worst.triggers).toEqual({ route53: null, probe: 273 });
    expect(lost.worst.detect).toBe(273);
    // the Route 53 API's timeout, then the health-signal read through DNS
    expect(lost.worst.decide).toBe(30 + 2 * 3);
    expect(lost.worst.total).toBe(849);
    expect(primaryLost.worst.total).toBe(843);
    // a faster us-east-1 trigger helps only while us-east-1 stands
    const fast = rtoModel({ ...inputs(), healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 1 });
    expect(fast.scenarios["primary-lost"].cases.worst.detect).toBeLessThan(270);
    expect(fast.scenarios["primary-and-us-east-1-lost"].cases.worst.detect).toBe(273);
  });

  it("is within the 15-minute target for the defaults and reports the detection window", () => {
    const model = rtoModel(inputs());
    expect(model.withinTarget).toBe(true);
    expect(model.detectionWindowSeconds).toBe(150);
  });

  it("takes the warm-pool launch time when a warm pool holds instances", () => {
    const cold = rtoModel(inputs()).scenarios["primary-lost"].cases.worst.capacity;
    const warm = rtoModel({ ...inputs(), warmPoolSize: 2 }).scenarios["primary-lost"].cases.worst.capacity;
    expect(cold - warm).toBe(120 - 40);
  });

  it("computes the floor from the fastest legal detection, whatever the settings", () => {
    const slow = rtoModel({ ...inputs(), healthCheckFailureThreshold: 10, alarmEvaluationPeriods: 5 });
    expect(slow.floor).toEqual(rtoModel(inputs()).floor);
    // the us-east-1 alarm at 10 s x 1 and one period; the probe just before its run, one period
    expect(slow.floor.triggers).toEqual({ route53: 10 + 60 + 30, probe: 60 + 30 });
    expect(slow.floor.detect).toBe(90);
  });

  it("names the scenario and every term when a worst case is over target", () => {
    // the probe's slow alarm breaks only the scenario that depends on it alone
    const model = rtoModel({ ...inputs(), probeAlarmEvaluationPeriods: 3, rtoTargetSeconds: 880 });
    expect(model.scenarios["primary-lost"].withinTarget).toBe(true);
    expect(model.scenarios["primary-and-us-east-1-lost"].withinTarget).toBe(false);
    expect(model.withinTarget).toBe(false);
    expect(explainOverTarget(model)).toBe(
      "scenario primary-and-us-east-1-lost: worst-case recovery 909s exceeds the target 880s: " +
        "detect 333s (earliest of probe alarm 333s) + decide 36s + max(promote 420s, capacity 185s) + dns 120s. " +
        "Shorten detection (interval, failure threshold, alarm periods, probe alarm periods), add a warm pool, or raise the target.",
    );
  });
});
