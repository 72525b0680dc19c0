import { setTimeout as sleep } from "node:timers/promises";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ClientPool, cloudWatchClient, FUNCTION_CLIENT_OPTIONS } from "../../aws/clients.js";
import { readHealthSignal } from "../../aws/health-signal.js";
import type { DeploymentConfig } from "../../core/config.js";
import { probeEndpoint } from "../shared/http-probe.js";
import { PROBE_DIMENSION, PROBE_NAMESPACE } from "./metrics.js";
import type { ProbePorts } from "./ports.js";

/** The probe's ports against AWS: CloudWatch and SNS of B (the function's own region), real time. */
export function createProbePorts(
  config: DeploymentConfig,
  clients = new ClientPool(FUNCTION_CLIENT_OPTIONS, "probe"),
): ProbePorts {
  const cloudWatch = cloudWatchClient(clients, config.backup.region);
  const sns = clients.of(SNSClient, config.probe.alarm.region);
  return {
    probeEndpoint,
    readHealthSignal,
    async publish(deployment, data) {
      await cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: PROBE_NAMESPACE,
          MetricData: data.map((d) => ({
            MetricName: d.name,
            Dimensions: [{ Name: PROBE_DIMENSION, Value: deployment }],
            Timestamp: new Date(d.at),
            Value: d.value,
            Unit: "Count",
          })),
        }),
      );
    },
    async notify(message) {
      await sns.send(new PublishCommand({ TopicArn: config.probe.alarm.topicArn, Message: message }));
    },
    clock: { now: () => Date.now(), sleep: (ms) => sleep(ms) },
  };
}
