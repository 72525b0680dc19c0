import { type CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { ClientPool, cloudWatchClient, FUNCTION_CLIENT_OPTIONS } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import { awsCall } from "../shared/aws-ports.js";

/** An alarm's state as DescribeAlarms reports it. */
export interface AlarmState {
  name: string;
  /** OK, ALARM or INSUFFICIENT_DATA. */
  state: string;
  /**
   * StateTransitionedTimestamp (ISO 8601): when the alarm entered `state`. Not StateUpdatedTimestamp,
   * which moves on every evaluation-state update while the alarm stays in ALARM (CloudWatch API
   * Reference, MetricAlarm), so a hold counted from it would never run out.
   */
  since: string;
}

/** The states of this deployment's two trigger alarms, for the re-evaluation. */
export interface TriggerAlarmsPort {
  /** The probe alarm in B: B's own API, it must answer (a throw fails the run, the next one retries). */
  probe(): Promise<AlarmState | undefined>;
  /** The us-east-1 alarm, best effort: a short timeout and one attempt; a region that is gone never blocks. */
  healthCheck(): Promise<AlarmState | undefined>;
}

async function describe(client: CloudWatchClient, name: string): Promise<AlarmState | undefined> {
  const out = await awsCall("DescribeAlarms", () =>
    client.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["MetricAlarm"] })),
  );
  const alarm = out.MetricAlarms?.find((a) => a.AlarmName === name);
  if (!alarm?.StateValue || !alarm.StateTransitionedTimestamp) return undefined;
  return { name, state: alarm.StateValue, since: alarm.StateTransitionedTimestamp.toISOString() };
}

/**
 * DescribeAlarms in B for the probe alarm, with the functions' clients; in us-east-1 for the other,
 * with the best-effort clients (config.failover.bestEffortTimeoutMs, a single attempt).
 */
export function cloudWatchTriggerAlarms(
  config: DeploymentConfig,
  clients = new ClientPool(FUNCTION_CLIENT_OPTIONS, "failover"),
): TriggerAlarmsPort {
  const inB = cloudWatchClient(clients, config.probe.alarm.region);
  const inUsEast1 = cloudWatchClient(
    clients.bestEffort(config.failover.bestEffortTimeoutMs),
    config.dns.alarm.region,
  );
  return {
    probe: () => describe(inB, config.probe.alarm.name),
    healthCheck: () => describe(inUsEast1, config.dns.alarm.name),
  };
}
