import { describe, expect, it } from "vitest";
import { exampleConfig } from "./config.fixture.js";
import { DeploymentConfigError, parseDeploymentConfig } from "./config.js";

describe("parseDeploymentConfig", () => {
  it("accepts a complete version-1 document, as JSON text or as a value", () => {
    // Prepare
    const doc = exampleConfig();

    // Act
    const fromText = parseDeploymentConfig(JSON.stringify(doc));
    const fromValue = parseDeploymentConfig(doc);

    // Assess
    expect(fromText).toEqual(doc);
    expect(fromValue.backup.db.instanceId).toBe("demo-replica");
  });

  it("names the source when the document is not JSON", () => {
    expect(() => parseDeploymentConfig("{not json", "SSM /pilotlight/demo/config")).toThrow(
      /SSM \/pilotlight\/demo\/config is not JSON/,
    );
  });

  it("refuses another version and says what to do", () => {
    const doc = { ...exampleConfig(), version: 2 };
    expect(() => parseDeploymentConfig(doc)).toThrow(
      /has version 2, this pilotlight reads version 1.*Upgrade/,
    );
  });

  it("lists every wrong field by its path", () => {
    // Prepare
    const doc = exampleConfig() as unknown as Record<string, Record<string, unknown>>;
    doc.mode = "sometimes" as never;
    (doc.primary as Record<string, unknown>).region = "mars-1";
    delete (doc.dns as Record<string, unknown>).healthCheckId;

    // Act
    let error: unknown;
    try {
      parseDeploymentConfig(doc);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(DeploymentConfigError);
    const issues = (error as DeploymentConfigError).issues.join("\n");
    expect(issues).toMatch(/^mode:/m);
    expect(issues).toMatch(/^primary\.region: .*AWS region/m);
    expect(issues).toMatch(/^dns\.healthCheckId:/m);
  });

  it("refuses an alarm outside us-east-1, where Route 53 metrics live", () => {
    const doc = exampleConfig();
    (doc.dns.alarm as { region: string }).region = "eu-west-1";
    expect(() => parseDeploymentConfig(doc)).toThrow(/dns\.alarm\.region/);
  });
});
