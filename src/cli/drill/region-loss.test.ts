import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { ExitCode } from "../exit-codes.js";
import { passedToLost, regionLoss } from "./region-loss.js";

// exampleConfig: P = eu-west-1, B = eu-central-1
describe("regionLoss", () => {
  it("maps P alone to the model's primary-lost scenario, P with us-east-1 to the other", () => {
    expect(regionLoss(exampleConfig(), ["eu-west-1"])).toEqual({
      scenario: "primary-lost",
      regions: ["eu-west-1"],
    });
    expect(regionLoss(exampleConfig(), ["us-east-1", "eu-west-1", "eu-west-1"])).toEqual({
      scenario: "primary-and-us-east-1-lost",
      regions: ["us-east-1", "eu-west-1"],
    });
  });

  it("is one scenario when P is us-east-1", () => {
    const config = exampleConfig();
    const p = { ...config, primary: { ...config.primary, region: "us-east-1" } };
    expect(regionLoss(p, ["us-east-1"]).scenario).toBe("primary-and-us-east-1-lost");
  });

  it("refuses a loss without P, and the loss of B, naming the region", () => {
    expect(() => regionLoss(exampleConfig(), ["us-east-1"])).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.usage,
        message: expect.stringContaining("name eu-west-1"),
      }),
    );
    expect(() => regionLoss(exampleConfig(), ["eu-west-1", "eu-central-1"])).toThrow(
      /--lose-region eu-central-1: only P \(eu-west-1\) and us-east-1 can be lost/,
    );
  });
});

describe("passedToLost", () => {
  it("reads each lost region's passed and refused requests, zero for a region never asked", () => {
    const loss = regionLoss(exampleConfig(), ["eu-west-1", "us-east-1"]);
    const counts = {
      "eu-west-1": { passed: 0, refused: 3, hung: 0 },
      harness: { passed: 9, refused: 0, hung: 0 },
    };
    expect(passedToLost(counts, loss)).toEqual([
      { region: "eu-west-1", passed: 0, refused: 3 },
      { region: "us-east-1", passed: 0, refused: 0 },
    ]);
  });
});
