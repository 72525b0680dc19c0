// The two handlers with the real Powertools Metrics: the EMF lines CloudWatch turns into metrics
// carry the Pilotlight namespace, the service, and the names docs/functions.md lists.
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { alarmEvent } from "../../test/fixtures/alarm.js";
import { exampleConfig } from "../../test/fixtures/config.js";
import { memoryLockPort } from "../../test/fixtures/memory-lock.js";
import { fakeSignalPorts } from "../../test/fixtures/signal-ports.js";
import { createFailoverHandler } from "./failover/index.js";
import { armRecord } from "./shared/lock-record.js";
import { silentLogger } from "./shared/observability.js";
import type { FailoverPorts, LatchRecord } from "./shared/ports.js";

const config = exampleConfig();

const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${i}`);

function fakePorts(): FailoverPorts {
  let latched: LatchRecord | undefined;
  let promoted = false;
  let group = { min: 0, max: 0, desired: 0 };
  let primaryGroup = { min: 2, max: 2, desired: 2 };
  return {
    database: {
      describe: async (id) =>
        promoted ? { id, status: "available" } : { id, status: "available", sourceId: config.primary.db.arn },
      promote: async () => {
        promoted = true;
      },
      replicaLagSeconds: async () => 3,
    },
    capacity: {
      describe: async (name) => ({
        name,
        ...group,
        inService: group.desired,
        instanceIds: ids(group.desired),
      }),
      scale: async (_name, capacity) => {
        group = capacity;
      },
    },
    targets: { describe: async () => ids(group.desired).map((id) => ({ id, state: "healthy" })) },
    primaryGroup: {
      describe: async (name) => ({ name, ...primaryGroup, inService: primaryGroup.desired, instanceIds: [] }),
      scale: async (_name, capacity) => {
        primaryGroup = capacity;
      },
    },
    latch: {
      read: async () => latched,
      write: async (record) => {
        latched = record;
      },
      remove: async () => {
        latched = undefined;
      },
    },
    lock: memoryLockPort(armRecord(undefined, config.deployment, "test", Date.now())),
    signals: fakeSignalPorts(),
    notifier: { publish: async () => {} },
    clock: { now: () => Date.now(), sleep: async () => {} },
  };
}

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
        ports: fakePorts,
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
