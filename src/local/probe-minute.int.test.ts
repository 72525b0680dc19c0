// Detection from B played end to end against moto with the deployed artifacts
// (dist/functions/probe and failover/index.mjs, in-process): the probe's schedule, the probe
// alarm's evaluation, its SNS delivery and the re-evaluation schedule, which the emulator runs none of.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeployment } from "../../test/fixtures/deployment.js";
import { Clients } from "../aws/clients.js";
import type { DeploymentConfig } from "../core/config.js";
import { createFailoverClients, createFailoverPorts } from "../functions/shared/aws-ports.js";
import { armDeployment } from "../functions/shared/incident.js";
import type { LocalNameServer } from "./dns-server.js";
import { DOWN_ENDPOINT_REPORT, setCheckerReport } from "./emulator-control.js";
import { ensureProbeAlarm, type ProbeMinute, playProbeMinute, startHealthSignalServers } from "./harness.js";

const root = join(import.meta.dirname, "../..");
const bundles = {
  probe: join(root, "dist/functions/probe/index.mjs"),
  failover: join(root, "dist/functions/failover/index.mjs"),
};

describe("harness: a minute of detection from B (moto)", () => {
  const harness = new Clients().forLocalHarness();
  const down = createServer((_req, res) => res.writeHead(503).end('{"status":"degraded"}'));
  let servers: LocalNameServer[] = [];
  let config: DeploymentConfig;
  let minute: ProbeMinute;
  let next: ProbeMinute;

  beforeAll(async () => {
    // Prepare: the bundles Terraform zips (built by the test runner's build step, or here)
    if (!existsSync(bundles.probe) || !existsSync(bundles.failover)) {
      execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "probe", "failover"]);
    }
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const fixture = await createDeployment({ deployment: "pm-int" });
    const port = 18_000 + Math.floor(Math.random() * 1000);
    config = {
      ...fixture.config,
      dns: {
        ...fixture.config.dns,
        healthSignal: { name: "_signal.pm-int.example.com", nameServers: [`127.0.0.1:${port}`] },
      },
      probe: {
        ...fixture.config.probe,
        target: {
          url: `http://127.0.0.1:${(down.address() as AddressInfo).port}/health`,
          searchString: '"status":"ok"',
        },
        timeoutMs: 1_000,
        alarm: { ...fixture.config.probe.alarm, evaluationPeriods: 1 },
      },
    };
    await new SSMClient({ region: config.backup.region }).send(
      new PutParameterCommand({
        Name: fixture.parameterName,
        Value: JSON.stringify(config),
        Type: "String",
        Overwrite: true,
      }),
    );
    await ensureProbeAlarm(harness, config);
    const ports = createFailoverPorts(config, createFailoverClients(config));
    await armDeployment(ports.lock, config.deployment, "test");
    // P is down as Route 53 sees it during a drill: the drill record first, then the checkers'
    // failure (moto's checkers say "Success": the harness plays what Route 53's report)
    await ports.signals.drill.write({
      deployment: config.deployment,
      startedAt: new Date().toISOString(),
      by: "test",
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    await setCheckerReport(
      process.env.AWS_ENDPOINT_URL ?? "",
      config.dns.healthCheckId,
      DOWN_ENDPOINT_REPORT,
    );
    servers = await startHealthSignalServers(harness, config);
    Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: "true", POWERTOOLS_LOG_LEVEL: "SILENT" });
    // Act
    minute = await playProbeMinute(harness, config, bundles);
    next = await playProbeMinute(harness, config, bundles);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await new Promise((resolve) => down.close(resolve));
    harness.destroy();
  });

  it("runs the probe, which sees P fail and reads Route 53's verdict from the local name server", () => {
    expect(minute.probe.error).toBeUndefined();
    expect(minute.probe.result).toMatchObject({
      published: [
        { name: "PrimaryProbeHealthy", value: 0 },
        { name: "Route53SeesPrimaryHealthy", value: 0 },
      ],
    });
  });

  it("notifies the failover function directly through its topic, ahead of the alarm: that delivery makes the failover", () => {
    expect(minute.probe.result).toMatchObject({ notified: [{ message: expect.stringContaining("ALARM") }] });
    expect(minute.notifications).toHaveLength(1);
    expect(minute.notifications[0]?.error).toBeUndefined();
    expect(minute.notifications[0]?.result).toMatchObject([
      { outcome: "completed", record: { trigger: { alarmName: config.probe.alarm.name } } },
    ]);
  });

  it("then sets the probe alarm to ALARM, whose delivery (the backstop) meets the one lock as a duplicate", () => {
    expect(minute.alarm?.StateValue).toBe("ALARM");
    expect(minute.delivery?.error).toBeUndefined();
    expect(minute.delivery?.result).toMatchObject([{ outcome: "duplicate" }]);
  });

  it("then the re-evaluation finds the incident completed, and the next minute delivers nothing (the alarm fired once)", () => {
    expect(minute.reevaluation.result).toMatchObject([{ outcome: "nothing" }]);
    expect(next.alarm).toBeUndefined();
    expect(next.delivery).toBeUndefined();
    expect(next.reevaluation.result).toMatchObject([
      { outcome: "nothing", reason: expect.stringContaining("completed") },
    ]);
  });
});
