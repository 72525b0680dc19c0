import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDeployment } from "../../../test/fixtures/deployment.js";
import { runCapture } from "../../../test/support/cli-run.js";
import type { DeploymentConfig } from "../../core/config.js";
import { freePort } from "../../local/emulator.js";
import { type FaultProxy, startFaultProxy } from "../../local/fault-proxy.js";
import { stopStack } from "../../local/stack.js";
import { ExitCode } from "../exit-codes.js";

// A local drill that loses P and us-east-1 (equivalent, for the failover path, to P = us-east-1
// lost): Route 53's API and metrics are gone with us-east-1, so the us-east-1 alarm never fires
// and the guard reads Route 53's verdict from its data plane. This file's own fault proxy stands in
// front of the run's emulator, so the loss touches no other test file. Needs the bundles
// (scripts/build.mjs: failover, probe, app).
const deployment = `rl${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), "pl-loss-"));
const stateDir = join(dir, "local");
let proxy: FaultProxy;
let config: DeploymentConfig;

describe("pilotlight drill --local --lose-region P us-east-1", () => {
  beforeAll(async () => {
    proxy = await startFaultProxy(inject("awsEndpoint"));
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    ({ config } = await createDeployment({ deployment }));
    // the probe GETs P's app on loopback; the health-signal name servers answer on loopback
    config.probe = {
      ...config.probe,
      target: { url: `http://127.0.0.1:${await freePort()}/health`, searchString: '"status":"ok"' },
      alarm: { ...config.probe.alarm, name: `${deployment}-probe-primary-down`, evaluationPeriods: 1 },
    };
    config.dns = {
      ...config.dns,
      healthSignal: {
        name: `_signal.${deployment}.example.com`,
        nameServers: [`127.0.0.1:${await freePort()}`],
      },
    };
    await new SSMClient({ region: config.backup.region }).send(
      new PutParameterCommand({
        Name: `/pilotlight/${deployment}/config`,
        Type: "String",
        Value: JSON.stringify(config),
        Overwrite: true,
      }),
    );
  });
  afterAll(async () => {
    await stopStack(stateDir);
    await proxy.close();
  });

  it("fails over from B alone: no request of the programs to a lost region got through, every expectation met", async () => {
    // Act
    const run = await runCapture([
      ...["--region", config.backup.region, "--deployment", deployment, "-o", "json"],
      ...["drill", "--local", "--yes", "--state-dir", stateDir, "--report-dir", join(dir, "report")],
      ...["--lose-region", config.primary.region, "us-east-1"],
      // a promotion that takes time, as RDS's does: DNS must answer B before it completes
      ...["--promotion-seconds", "6"],
    ]);

    // Assess
    const report = JSON.parse(run.stdout);
    expect(report.expectations.filter((e: { ok: boolean }) => !e.ok)).toEqual([]);
    expect(run.code).toBe(ExitCode.ok);
    expect(report.model.scenario).toBe("primary-and-us-east-1-lost");
    // the report says what was played: no us-east-1 alarm, since us-east-1 was lost
    expect(report.method.join(" ")).not.toContain("SetAlarmState");
    expect(report.expectations.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining([
        `no request of the programs to the lost ${config.primary.region} got through`,
        "no request of the programs to the lost us-east-1 got through",
        "every trigger's deliveries made one incident",
        "DNS answers B before a slow promotion completes (the model overlaps them)",
      ]),
    );
    // the guard proceeded on Route 53's data plane and B's probe: the API was refused
    const record = report.failoverRecord;
    expect(record.state).toBe("completed");
    expect(record.drill).toBe(true);
    expect(record.trigger.alarmName).toBe(config.probe.alarm.name);
    const route53 = record.guardSignals.find((s: { signal: string }) => s.signal === "route53");
    expect(route53.source).toContain("Route 53 data plane");
    // every region answers again once the drill ended
    expect(proxy.faults()).toEqual({});
    expect(readFileSync(join(dir, "report", "report.md"), "utf8")).toContain("primary-and-us-east-1-lost");
  });

  it("refuses a loss that leaves P standing, naming P", async () => {
    const run = await runCapture([
      ...["--region", config.backup.region, "--deployment", deployment],
      ...["drill", "--local", "--yes", "--state-dir", join(dir, "other"), "--lose-region", "us-east-1"],
    ]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain(`name ${config.primary.region}`);
  });
});
