import type { DeploymentConfig } from "../../core/config.js";
import type { ReadinessReport } from "../../functions/readiness/run.js";
import type { LockRecord } from "../../functions/shared/lock-record.js";
import { CliError, ExitCode } from "../exit-codes.js";

/** What the AWS drill's preflight reads: readiness as `pilotlight readiness` runs it (not arming), and B's lag. */
export interface DrillPreflight {
  readiness: ReadinessReport;
  lock: LockRecord | undefined;
  /** B's last ReplicaLag (seconds); undefined when RDS published none. */
  lagSeconds: number | undefined;
}

/**
 * A drill is a real failover: it is refused unless one would run and be cheap. Armed (otherwise
 * the alarm fails P with no failover: an outage, e.g. right after a failback), automatic mode
 * (otherwise the incident waits for approval, P down), readiness passing and B's lag within its
 * bound (the writes a drill loses). Returns the lag the consent names. Pure.
 */
export function drillPreflight(config: DeploymentConfig, p: DrillPreflight): number {
  const why: string[] = [];
  if (p.lock?.state !== "armed")
    why.push(
      `the deployment is not armed (lock record: ${p.lock?.state ?? "none"}); readiness arms it once Route 53 sees P healthy`,
    );
  if (config.mode !== "automatic")
    why.push(`mode is ${config.mode}: the failover would wait for approval while P is down`);
  const failed = p.readiness.checks.filter((c) => c.verdict === "fail");
  if (failed.length) why.push(`readiness fails: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}`);
  const bound = config.thresholds.replicaLagSecondsMax;
  if (p.lagSeconds === undefined)
    why.push("B publishes no ReplicaLag: the writes the drill would lose are unknown");
  else if (p.lagSeconds > bound) why.push(`replica lag ${p.lagSeconds} s exceeds its bound ${bound} s`);
  if (why.length)
    throw new CliError(
      `drill refused on ${config.deployment}: ${why.join("; ")}. Nothing was changed; see pilotlight readiness.`,
      ExitCode.failed,
    );
  return p.lagSeconds as number;
}
