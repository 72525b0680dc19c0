import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { DeploymentConfig } from "../../core/config.js";
import { createFailoverPorts } from "../shared/aws-ports.js";
import { configFromEnvironment } from "../shared/config-env.js";
import type { LoggerLike, MetricsLike } from "../shared/observability.js";
import type { FailoverPorts } from "../shared/ports.js";
import { classifyEvent } from "./alarm-event.js";
import { ReevaluationEventSchema, type ReevaluationResult, reevaluate } from "./reevaluate.js";
import { type FailoverResult, runFailover } from "./sequence.js";
import { cloudWatchTriggerAlarms, type TriggerAlarmsPort } from "./trigger-alarms.js";

/** What a handler needs from its surroundings; tests and the local harness may replace any of it. */
export interface FailoverHandlerDeps {
  loadConfig: () => Promise<DeploymentConfig>;
  ports: (config: DeploymentConfig) => FailoverPorts;
  /** The trigger alarms' states, for the re-evaluation schedule; default: DescribeAlarms (trigger-alarms.ts). */
  alarms?: (config: DeploymentConfig) => TriggerAlarmsPort;
  logger: LoggerLike & { addContext?(context: object): void };
  metrics: MetricsLike & { publishStoredMetrics(): void };
}

export type FailoverHandlerResult = Array<
  { messageId?: string } & (
    | FailoverResult
    | ReevaluationResult
    | { outcome: "malformed" | "ignored"; reason: string }
  )
>;

/** The config changes only with `terraform apply`; re-read it now and then rather than per event. */
const CONFIG_TTL_MS = 5 * 60_000;

/**
 * Builds the Lambda handler. Every outcome except a failed step (or an unreachable lock table or
 * config) returns normally: throwing makes Lambda retry, which only helps when a retry can succeed.
 */
export function createFailoverHandler(deps: FailoverHandlerDeps) {
  let cached:
    | { config: DeploymentConfig; ports: FailoverPorts; alarms: TriggerAlarmsPort; at: number }
    | undefined;
  const { logger, metrics } = deps;

  return async function handler(event: unknown, context?: object): Promise<FailoverHandlerResult> {
    if (context) logger.addContext?.(context);
    try {
      if (!cached || Date.now() - cached.at > CONFIG_TTL_MS) {
        const config = await deps.loadConfig();
        const alarms = (deps.alarms ?? cloudWatchTriggerAlarms)(config);
        cached = { config, ports: deps.ports(config), alarms, at: Date.now() };
      }
      const { config, ports } = cached;
      // the re-evaluation schedule (terraform/modules/probe): its constant input names the deployment
      const scheduled = ReevaluationEventSchema.safeParse(event);
      if (scheduled.success) {
        if (scheduled.data.deployment !== config.deployment) {
          const reason = `re-evaluation of deployment ${scheduled.data.deployment}, not ${config.deployment}`;
          logger.info("event ignored", { reason });
          metrics.addMetric("EventIgnored", "Count", 1);
          return [{ outcome: "ignored", reason }];
        }
        return [await reevaluate(ports, cached.alarms, config, { logger, metrics })];
      }
      const results: FailoverHandlerResult = [];
      for (const item of classifyEvent(event, config)) {
        const messageId = item.kind === "alarm" ? item.alarm.messageId : item.messageId;
        if (item.kind === "malformed") {
          logger.error("malformed event acknowledged without action", { reason: item.reason, messageId });
          metrics.addMetric("EventMalformed", "Count", 1);
          results.push({ messageId, outcome: "malformed", reason: item.reason });
          continue;
        }
        if (item.kind === "ignored") {
          logger.info("event ignored", { reason: item.reason, messageId });
          metrics.addMetric("EventIgnored", "Count", 1);
          results.push({ messageId, outcome: "ignored", reason: item.reason });
          continue;
        }
        const { alarm } = item;
        logger.info("alarm entered ALARM", { ...alarm });
        const result = await runFailover(
          ports,
          config,
          {
            source: "alarm",
            alarmName: alarm.alarmName,
            alarmTime: alarm.alarmTime,
            messageId: alarm.messageId,
          },
          { logger, metrics },
        );
        results.push({ messageId, ...result });
      }
      return results;
    } catch (error) {
      logger.error("failover invocation failed; Lambda retries it", { error });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

const logger = new Logger();
const metrics = new Metrics();

/** The Lambda entry point (`index.handler` in dist/functions/failover.zip). */
export const handler = createFailoverHandler({
  loadConfig: configFromEnvironment("failover"),
  ports: (config) => createFailoverPorts(config),
  logger,
  metrics,
});
