import { Logger } from "@aws-lambda-powertools/logger";
import type { DeploymentConfig } from "../../core/config.js";
import { configFromEnvironment } from "../shared/config-env.js";
import { createProbePorts } from "./aws-ports.js";
import type { ProbePorts } from "./ports.js";
import { type ProbeReport, runProbe } from "./run.js";

/** The config changes only with `terraform apply`; re-read it now and then rather than every minute. */
const CONFIG_TTL_MS = 5 * 60_000;

export interface ProbeHandlerDeps {
  loadConfig: () => Promise<DeploymentConfig>;
  ports: (config: DeploymentConfig) => ProbePorts;
  logger: Logger;
}

/**
 * Builds the scheduled handler (every minute, terraform/modules/probe): checks P from B every
 * cadence seconds, notifies the failover function after failureCount consecutive failures, reads
 * Route 53's verdict from its name servers, publishes all to CloudWatch in B and logs what it saw.
 */
export function createProbeHandler(deps: ProbeHandlerDeps) {
  const { logger } = deps;
  let cached: { config: DeploymentConfig; ports: ProbePorts; at: number } | undefined;
  return async function handler(_event?: unknown, context?: object): Promise<ProbeReport> {
    if (context) logger.addContext(context as Parameters<Logger["addContext"]>[0]);
    if (!cached || Date.now() - cached.at > CONFIG_TTL_MS) {
      const config = await deps.loadConfig();
      cached = { config, ports: deps.ports(config), at: Date.now() };
    }
    const report = await runProbe(cached.ports, cached.config);
    const failed = report.checks.filter((c) => !c.healthy);
    const line = {
      checks: report.checks.length,
      failed: failed.length,
      last: { healthy: report.probe.healthy, detail: report.probe.detail },
      signal: { verdict: report.signal.verdict, server: report.signal.server, detail: report.signal.detail },
      notified: report.notified.map(({ at, error }) => ({ at, ...(error ? { error } : {}) })),
    };
    if (report.notified.some((n) => n.error)) logger.error("could not notify the failover function", line);
    else if (report.notified.length) logger.warn("P fails its deep /health from B: failover notified", line);
    else if (failed.length) logger.warn("P failed some checks of its deep /health from B", line);
    else logger.info("P answers its deep /health from B", line);
    return report;
  };
}

/** The Lambda entry point (`index.handler` in dist/functions/probe.zip). */
export const handler = createProbeHandler({
  loadConfig: configFromEnvironment("probe"),
  ports: (config) => createProbePorts(config),
  logger: new Logger(),
});
