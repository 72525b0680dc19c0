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
    expect(model.scenarios["primary-lost"].cases.worst.total).toBe(843);
    expect(model.scenarios["primary-and-us-east-1-lost"].cases.worst.total).toBe(849);
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
      "--alarm-periods",
      "5",
      "--probe-periods",
      "5",
    ]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toMatch(/total\s+/);
    // the probe's alarm is slow too: neither trigger saves either scenario
    expect(run.stderr).toContain("scenario primary-lost: worst-case recovery");
    expect(run.stderr).toContain("scenario primary-and-us-east-1-lost: worst-case recovery");
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

  it("rejects an unknown option with the usage exit code", async () => {
    const run = await runCapture(["rto", "--bogus"]);
    expect(run.code).toBe(ExitCode.usage);
  });
});
