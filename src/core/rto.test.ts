import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { explainOverTarget, rtoInputsFromConfig, rtoModel } from "./rto.js";

const inputs = () => rtoInputsFromConfig(exampleConfig());

describe("rtoModel", () => {
  it("sums detect + decide + max(promote, capacity) + dns for each case", () => {
    // Prepare: interval 30 x threshold 3, one 60 s alarm period; see config.fixture.ts
    // Act
    const model = rtoModel(inputs());

    // Assess
    const worst = model.cases.worst;
    expect(worst.detect).toBe(30 * 3 + 30 + 60 + 90);
    expect(worst.capacity).toBe(120 + 45 + 2 * 10);
    expect(worst.dns).toBe(60 + 60);
    expect(worst.total).toBe(worst.detect + 30 + Math.max(420, worst.capacity) + worst.dns);
    expect(model.cases.best.dns).toBe(0);
    expect(model.cases.best.total).toBeLessThan(model.cases.typical.total);
    expect(model.cases.typical.total).toBeLessThan(worst.total);
  });

  it("is within the 15-minute target for the defaults and reports the detection window", () => {
    const model = rtoModel(inputs());
    expect(model.withinTarget).toBe(true);
    expect(model.detectionWindowSeconds).toBe(150);
  });

  it("takes the warm-pool launch time when a warm pool holds instances", () => {
    const cold = rtoModel(inputs()).cases.worst.capacity;
    const warm = rtoModel({ ...inputs(), warmPoolSize: 2 }).cases.worst.capacity;
    expect(cold - warm).toBe(120 - 40);
  });

  it("computes the floor from the fastest legal detection, whatever the settings", () => {
    const slow = rtoModel({ ...inputs(), healthCheckFailureThreshold: 10, alarmEvaluationPeriods: 5 });
    expect(slow.floor).toEqual(rtoModel(inputs()).floor);
    expect(slow.floor.detect).toBe(10 + 60 + 30);
  });

  it("names every term when the worst case is over target", () => {
    const model = rtoModel({ ...inputs(), healthCheckFailureThreshold: 10, rtoTargetSeconds: 600 });
    expect(model.withinTarget).toBe(false);
    expect(explainOverTarget(model)).toMatch(
      /worst-case recovery \d+s exceeds the target 600s: detect \d+s \+ decide 30s \+ max\(promote 420s, capacity 185s\) \+ dns 120s/,
    );
  });
});
