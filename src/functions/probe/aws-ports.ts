import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { ClientPool, cloudWatchClient, FUNCTION_CLIENT_OPTIONS } from "../../aws/clients.js";
import { readHealthSignal } from "../../aws/health-signal.js";
import type { DeploymentConfig } from "../../core/config.js";
import { probeEndpoint } from "../shared/http-probe.js";
import { PROBE_DIMENSION, PROBE_NAMESPACE } from "./metrics.js";
import type { ProbePorts } from "./ports.js";

/** The probe's ports against AWS: CloudWatch of B (the function's own region). */
export function createProbePorts(
  config: DeploymentConfig,
  clients = new ClientPool(FUNCTION_CLIENT_OPTIONS, "probe"),
): ProbePorts {
  const cloudWatch = cloudWatchClient(clients, config.backup.region);
  return {
    probeEndpoint,
    readHealthSignal,
    async publish(deployment, data, at) {
      await cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: PROBE_NAMESPACE,
          MetricData: data.map((d) => ({
            MetricName: d.name,
            Dimensions: [{ Name: PROBE_DIMENSION, Value: deployment }],
            Timestamp: at,
            Value: d.value,
            Unit: "Count",
          })),
        }),
      );
    },
  };
}
