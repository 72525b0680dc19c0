// The probe handler against the moto server: P is a local HTTP server, Route 53's name servers a
// local one (src/local/dns-server.ts), and the metrics land in B's CloudWatch, read back with
// GetMetricStatistics. moto runs no schedule and evaluates no alarm: the harness plays both
// (src/local/harness.ts), and the re-evaluation's DescribeAlarms reads what it set.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Logger } from "@aws-lambda-powertools/logger";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { CLOUDWATCH_PROTOCOL, Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { configParameterName } from "../../core/config-source.js";
import { type LocalNameServer, startLocalNameServer } from "../../local/dns-server.js";
import { alarmSnsEvent, ensureProbeAlarm, evaluateProbeAlarm } from "../../local/harness.js";
import { classifyEvent } from "../failover/alarm-event.js";
import { cloudWatchTriggerAlarms } from "../failover/trigger-alarms.js";
import { configFromEnvironment } from "../shared/config-env.js";
import { createProbePorts } from "./aws-ports.js";
import { createProbeHandler } from "./index.js";

interface Probed {
  server: Server;
  url: string;
  up: boolean;
}

/** P's deep /health: 200 with the search string while up, 503 otherwise. */
async function primaryApp(): Promise<Probed> {
  const p = { up: true } as Probed;
  p.server = createServer((_req, res) => {
    res.writeHead(p.up ? 200 : 503, { "content-type": "application/json" });
    res.end(p.up ? '{"status":"ok"}' : '{"status":"degraded"}');
  });
  await new Promise<void>((resolve) => p.server.listen(0, "127.0.0.1", resolve));
  p.url = `http://127.0.0.1:${(p.server.address() as AddressInfo).port}/health`;
  return p;
}

async function deploy(deployment: string, target: string, nameServers: string[], periods = 2) {
  const base = exampleConfig();
  const config: DeploymentConfig = {
    ...base,
    deployment,
    dns: { ...base.dns, healthSignal: { name: `_signal.${deployment}.example.com`, nameServers } },
    probe: {
      ...base.probe,
      functionName: `${deployment}-probe`,
      target: { url: target, searchString: '"status":"ok"' },
      timeoutMs: 1_000,
      // one check per invocation, notifying at its first failure (as examples/local): the emulator's
      // minutes are not waited out
      cadenceSeconds: 60,
      failureCount: 1,
      alarm: {
        ...base.probe.alarm,
        name: `${deployment}-primary-probe-failing`,
        evaluationPeriods: periods,
        topicArn: (
          await new SNSClient({ region: base.backup.region }).send(
            new CreateTopicCommand({ Name: `${deployment}-primary-probe` }),
          )
        ).TopicArn as string,
      },
    },
  };
  await new SSMClient({ region: config.backup.region }).send(
    new PutParameterCommand({
      Name: configParameterName(deployment),
      Value: JSON.stringify(config),
      Type: "String",
      Overwrite: true,
    }),
  );
  const handler = createProbeHandler({
    // the environment Terraform sets on the function, read in-process
    loadConfig: configFromEnvironment("probe", {
      PILOTLIGHT_CONFIG_PARAMETER: configParameterName(deployment),
      AWS_REGION: config.backup.region,
    }),
    ports: (c) => createProbePorts(c),
    logger: new Logger({ logLevel: "SILENT" }),
  });
  return { config, handler };
}

/** The metric's datapoints of the last ten minutes, one per minute (GetMetricStatistics). */
async function datapoints(config: DeploymentConfig, metric: string) {
  // the test's own client (not a program's), in the query protocol the emulator serves
  const out = await new CloudWatchClient({
    region: config.backup.region,
    protocol: CLOUDWATCH_PROTOCOL,
  }).send(
    new GetMetricStatisticsCommand({
      Namespace: "Pilotlight",
      MetricName: metric,
      Dimensions: [{ Name: "Deployment", Value: config.deployment }],
      StartTime: new Date(Date.now() - 600_000),
      EndTime: new Date(Date.now() + 60_000),
      Period: 60,
      Statistics: ["Minimum", "Maximum", "SampleCount"],
    }),
  );
  return out.Datapoints ?? [];
}

describe("probe (moto)", () => {
  let p: Probed;
  let signal = "primary-healthy";
  let ns: LocalNameServer;

  beforeAll(async () => {
    p = await primaryApp();
    ns = await startLocalNameServer({
      txt: async (name) => (name.startsWith("_signal.") ? [signal] : undefined),
    });
  });
  afterAll(async () => {
    await ns.close();
    await new Promise((resolve) => p.server.close(resolve));
  });

  it("publishes PrimaryProbeHealthy and Route53SeesPrimaryHealthy in B while P is up, and 0s once it is down", async () => {
    // Prepare
    const { config, handler } = await deploy("pr-int-up", p.url, [ns.address]);
    // Act
    p.up = true;
    signal = "primary-healthy";
    const healthy = await handler({});
    p.up = false;
    signal = "primary-unhealthy";
    const down = await handler({});
    // Assess
    expect(healthy.published.map((d) => d.value)).toEqual([1, 1]);
    expect(down.published.map((d) => d.value)).toEqual([0, 0]);
    // P down: the probe notified the failover function through its topic (SNS Publish answered)
    expect(healthy.notified).toEqual([]);
    expect(down.notified).toEqual([{ at: down.checks[0]?.at, message: expect.stringContaining("ALARM") }]);
    for (const metric of ["PrimaryProbeHealthy", "Route53SeesPrimaryHealthy"]) {
      const points = await datapoints(config, metric);
      expect(points.reduce((n, d) => n + (d.SampleCount ?? 0), 0)).toBe(2);
      expect(Math.min(...points.map((d) => d.Minimum ?? 1))).toBe(0);
      expect(Math.max(...points.map((d) => d.Maximum ?? 0))).toBe(1);
    }
  });

  it("omits Route 53's verdict when no name server answers", async () => {
    // Prepare: a name server that is not there
    const gone = await startLocalNameServer({ txt: async () => undefined });
    await gone.close();
    const { config, handler } = await deploy("pr-int-nons", p.url, [gone.address]);
    // Act
    p.up = true;
    const report = await handler({});
    // Assess
    expect(report.published).toMatchObject([{ name: "PrimaryProbeHealthy", value: 1 }]);
    expect(report.published).toHaveLength(1);
    expect(await datapoints(config, "Route53SeesPrimaryHealthy")).toEqual([]);
    expect(await datapoints(config, "PrimaryProbeHealthy")).toHaveLength(1);
  });

  it("drives the probe alarm as the harness plays it, whose delivery the failover accepts and whose state the re-evaluation reads", async () => {
    // Prepare: one failing period is enough here
    const { config, handler } = await deploy("pr-int-alarm", p.url, [ns.address], 1);
    const harness = new Clients().forLocalHarness();
    await ensureProbeAlarm(harness, config);
    // Act
    p.up = false;
    await handler({});
    const alarm = await evaluateProbeAlarm(harness, config);
    const states = cloudWatchTriggerAlarms(config);
    const [probeState, healthState] = await Promise.all([states.probe(), states.healthCheck()]);
    // Assess
    expect(alarm?.StateValue).toBe("ALARM");
    const [delivery] = classifyEvent(
      alarmSnsEvent(alarm as NonNullable<typeof alarm>, config, "sub"),
      config,
    );
    expect(delivery).toMatchObject({
      kind: "alarm",
      alarm: { trigger: "probe", alarmName: config.probe.alarm.name },
    });
    expect(probeState).toMatchObject({ name: config.probe.alarm.name, state: "ALARM" });
    // this deployment has no us-east-1 alarm in the emulator: DescribeAlarms answers with none
    expect(healthState).toBeUndefined();
    harness.destroy();
  });
});
