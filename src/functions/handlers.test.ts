// The two handlers with the real Powertools Metrics: the EMF lines CloudWatch turns into metrics
// carry the Pilotlight namespace, the service, and the names docs/functions.md lists.
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { alarmEvent } from "../../test/fixtures/alarm.js";
import { exampleConfig } from "../../test/fixtures/config.js";
import { fakeFailoverPorts } from "../../test/fixtures/failover-ports.js";
import { createFailoverHandler } from "./failover/index.js";
import { silentLogger } from "./shared/observability.js";

const config = exampleConfig();

/** EMF documents written to stdout by Powertools. */
function captureEmf() {
  const lines: Array<Record<string, unknown>> = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith("{") && text.includes("_aws")) lines.push(JSON.parse(text));
    return true;
  });
  return lines;
}

describe("handlers", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe("failover handler", () => {
    it("publishes the time from the alarm to each action in the Pilotlight namespace", async () => {
      // Prepare
      vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
      const emf = captureEmf();
      const metrics = new Metrics({ namespace: "Pilotlight", serviceName: "pilotlight-failover" });
      const handler = createFailoverHandler({
        loadConfig: async () => config,
        ports: () => fakeFailoverPorts(config),
        logger: silentLogger,
        metrics,
      });
      // Act
      const [result] = await handler(alarmEvent(config, { at: new Date(Date.now() - 1000) }));
      vi.unstubAllEnvs();
      // Assess
      expect(result).toMatchObject({ outcome: "completed" });
      const doc = emf.find((d) => "AlarmToAllActionsMs" in d) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: Array<{ Namespace: string }> };
      };
      expect(doc).toBeDefined();
      expect(doc._aws.CloudWatchMetrics[0]?.Namespace).toBe("Pilotlight");
      expect(doc.service).toBe("pilotlight-failover");
      expect(doc).toMatchObject({ FailoverStarted: 1, FailoverCompleted: 1, ReplicaLagAtFailoverSeconds: 3 });
      expect(doc.AlarmToPromoteMs as number).toBeGreaterThanOrEqual(1000);
    });
  });
});
