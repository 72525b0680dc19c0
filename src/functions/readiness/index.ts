import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { DeploymentConfig } from "../../core/config.js";
import { configFromEnvironment } from "../shared/config-env.js";
import { createReadinessPorts } from "./aws-ports.js";
import type { ReadinessPorts } from "./ports.js";
import { type ReadinessReport, runReadiness } from "./run.js";

export interface ReadinessHandlerDeps {
  loadConfig: () => Promise<DeploymentConfig>;
  ports: (config: DeploymentConfig) => ReadinessPorts;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Builds the scheduled handler: runs the checks, publishes `ReadinessCheck` (1 pass or warn, 0 fail)
 * with a `check` dimension per check and `Ready` overall, and logs each failure with its fix.
 */
export function createReadinessHandler(deps: ReadinessHandlerDeps) {
  const { logger, metrics } = deps;
  return async function handler(_event?: unknown, context?: object): Promise<ReadinessReport> {
    if (context) logger.addContext(context as Parameters<Logger["addContext"]>[0]);
    try {
      const config = await deps.loadConfig();
      const report = await runReadiness(deps.ports(config), config, { logger });
      for (const c of report.checks) {
        const single = metrics.singleMetric();
        single.addDimension("check", c.name);
        single.addMetric("ReadinessCheck", MetricUnit.Count, c.verdict === "fail" ? 0 : 1);
        const line = { check: c.name, verdict: c.verdict, detail: c.detail, fix: c.fix };
        if (c.verdict === "fail") logger.error(`readiness check ${c.name} failed`, line);
        else if (c.verdict === "warn") logger.warn(`readiness check ${c.name} warns`, line);
        else logger.info(`readiness check ${c.name} passed`, line);
      }
      metrics.addMetric("Ready", MetricUnit.Count, report.ready ? 1 : 0);
      return report;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`index.handler` in dist/functions/readiness.zip). */
export const handler = createReadinessHandler({
  loadConfig: configFromEnvironment("readiness"),
  ports: (config) => createReadinessPorts(config),
  logger: new Logger(),
  metrics: new Metrics(),
});
