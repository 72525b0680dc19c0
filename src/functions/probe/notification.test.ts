// The probe's direct notification, through the failover handler: AWS delivers what the probe
// publishes to its alarm's topic as an SNS event (the SNS message's Message is the probe's JSON),
// which the failover function takes as its `probe` trigger. The guard still decides on its
// independent signals: a faster trigger cannot make a failover it would refuse.
import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { fakeFailoverPorts } from "../../../test/fixtures/failover-ports.js";
import { fakeSignalPorts } from "../../../test/fixtures/signal-ports.js";
import { snsLambdaEvent } from "../../local/harness.js";
import { classifyEvent } from "../failover/alarm-event.js";
import { createFailoverHandler } from "../failover/index.js";
import { noMetrics, silentLogger } from "../shared/observability.js";
import { probeNotification } from "./notification.js";

const config = exampleConfig();
const at = new Date(Date.now() - 5_000).toISOString();
const event = () =>
  snsLambdaEvent(
    config.probe.alarm.topicArn,
    JSON.stringify(probeNotification(config, at, 3, "no answer after 3000 ms")),
  );

function handler(route53: "healthy" | "unhealthy") {
  const signals = fakeSignalPorts({
    healthSignal: async () => ({
      verdict: route53,
      server: "ns-1",
      detail: `ns-1 answers primary-${route53}`,
    }),
  });
  const ports = fakeFailoverPorts(config, signals);
  // the API's verdict too: every checker sees P healthy or none does
  if (route53 === "healthy") {
    signals.endpointCheck = {
      describe: async (id) => ({
        id,
        disabled: false,
        inverted: false,
        observations: [{ region: "us-east-1", healthy: true, status: "Success: HTTP Status Code 200, OK" }],
      }),
    };
  }
  return createFailoverHandler({
    loadConfig: async () => config,
    ports: () => ports,
    logger: silentLogger,
    metrics: { ...noMetrics, publishStoredMetrics: () => {} },
  });
}

describe("probe notification", () => {
  it("is this deployment's probe trigger for the failover function, timed at the check that completed the run", () => {
    const [item] = classifyEvent(event(), config);
    expect(item).toMatchObject({
      kind: "alarm",
      alarm: { trigger: "probe", alarmName: config.probe.alarm.name, alarmTime: at },
    });
  });

  it("is refused by the guard while Route 53 sees P healthy", async () => {
    const [result] = await handler("healthy")(event());
    expect(result).toMatchObject({ outcome: "ignored", code: "healthy" });
  });

  it("makes the failover once Route 53 sees P down too", async () => {
    const [result] = await handler("unhealthy")(event());
    expect(result).toMatchObject({
      outcome: "completed",
      record: { trigger: { alarmName: config.probe.alarm.name } },
    });
  });
});
