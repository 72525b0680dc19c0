import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { runCapture } from "../../../test/support/cli-run.js";
import { ExitCode } from "../exit-codes.js";

describe("pilotlight rto", () => {
  it("models the deployed settings read from SSM in the backup region", async () => {
    const config = { ...exampleConfig(), deployment: `rto${Date.now().toString(36)}` };
    await new SSMClient({ region: config.backup.region }).send(
      new PutParameterCommand({
        Name: `/pilotlight/${config.deployment}/config`,
        Type: "String",
        Value: JSON.stringify(config),
      }),
    );
    const run = await runCapture(["-r", config.backup.region, "-d", config.deployment, "-o", "json", "rto"]);
    expect(run.code).toBe(ExitCode.ok);
    const model = JSON.parse(run.stdout);
    expect(model.scenarios["primary-lost"].cases.worst.total).toBe(588);
    expect(model.scenarios["primary-and-us-east-1-lost"].cases.worst.total).toBe(591);
    expect(model.scenarios["in-region-recovery-held"].cases.worst.total).toBe(875);
    expect(model.withinTarget).toBe(true);
  });

  it("models given settings (what if) and fails, naming each term, over target", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pl-rto-")), "config.json");
    writeFileSync(file, JSON.stringify(exampleConfig()));
    const run = await runCapture([
      "--config-file",
      file,
      "rto",
      "--failure-threshold",
      "10",
      "--probe-failures",
      "10",
      "--hold",
      "600",
    ]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toMatch(/total\s+/);
    // Route 53's slow verdict holds the probe back too: every scenario is over
    expect(run.stderr).toContain("scenario primary-lost: worst-case recovery");
    expect(run.stderr).toContain("scenario primary-and-us-east-1-lost: worst-case recovery");
    expect(run.stderr).toContain("scenario in-region-recovery-held: worst-case recovery");
    expect(run.stderr).toContain("exceeds the target 900s");
    expect(run.stderr).toContain("Shorten detection");
  });

  it("refuses an interval Route 53 does not offer", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pl-rto-")), "config.json");
    writeFileSync(file, JSON.stringify(exampleConfig()));
    const run = await runCapture(["--config-file", file, "rto", "--interval", "20"]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain("10 or 30");
  });

  it("refuses a probe cadence that does not divide its minute", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pl-rto-")), "config.json");
    writeFileSync(file, JSON.stringify(exampleConfig()));
    const run = await runCapture(["--config-file", file, "rto", "--probe-cadence", "25"]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain("10, 15, 20, 30, 60");
  });

  it("rejects an unknown option with the usage exit code", async () => {
    const run = await runCapture(["rto", "--bogus"]);
    expect(run.code).toBe(ExitCode.usage);
  });
});
