import type { DeploymentConfig } from "../../core/config.js";
import type { AlarmNotification } from "../failover/alarm-event.js";
import { PROBE_DIMENSION, PROBE_METRICS, PROBE_NAMESPACE } from "./metrics.js";

/** CloudWatch's time format in alarm notifications: 2026-11-26T00:53:38.123+0000. */
const cloudWatchTime = (iso: string) => iso.replace(/Z$/, "+0000");

/**
 * The message the probe publishes to its alarm's topic after failureCount consecutive failed
 * checks: the notification CloudWatch sends when the probe alarm enters ALARM, which the failover
 * function already accepts as its `probe` trigger (src/functions/failover/alarm-event.ts), so both
 * meet at the one lock and the guard confirms on its independent signals. The reason says it came
 * from the probe, ahead of the alarm; StateChangeTime is the check that completed the run.
 *
 * @example probeNotification(config, "2026-12-07T10:00:30.000Z", 3, "HTTP 503")
 */
export function probeNotification(
  config: DeploymentConfig,
  at: string,
  failures: number,
  detail: string,
): AlarmNotification & { AlarmDescription: string; Region: string } {
  const { probe } = config;
  return {
    AlarmName: probe.alarm.name,
    AlarmDescription: `${config.deployment}: the probe in the backup region notifies ahead of this alarm`,
    NewStateValue: "ALARM",
    OldStateValue: "OK",
    NewStateReason: `pilotlight probe: ${failures} consecutive failed checks of P's /health from ${probe.alarm.region}, ${probe.cadenceSeconds} s apart (last: ${detail}); notified ahead of the alarm`,
    StateChangeTime: cloudWatchTime(at),
    Region: probe.alarm.region,
    Trigger: {
      MetricName: PROBE_METRICS.probe,
      Namespace: PROBE_NAMESPACE,
      Dimensions: [{ name: PROBE_DIMENSION, value: config.deployment }],
    },
  };
}
