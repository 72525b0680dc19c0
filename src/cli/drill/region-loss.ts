import { ROUTE53_REGION } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import type { Scenario } from "../../core/rto.js";
import type { Counts } from "../../local/fault-proxy.js";
import { readCounts, resetCounts, setFaults } from "../../local/fault-proxy-control.js";
import { CliError, ExitCode } from "../exit-codes.js";

/** A local drill's region loss: the regions the fault proxy refuses and the model's scenario it is. */
export interface RegionLoss {
  scenario: Scenario;
  regions: string[];
}

/**
 * The regions `--lose-region` names, checked against the deployment: P must be among them (losing
 * only us-east-1 or B is no failover), and the only other region that matters to the failover
 * path is us-east-1 (Route 53's API and metrics). With P = us-east-1 the two scenarios are one.
 */
export function regionLoss(config: DeploymentConfig, regions: readonly string[]): RegionLoss {
  const lost = [...new Set(regions)];
  const p = config.primary.region;
  if (!lost.includes(p)) {
    throw new CliError(
      `--lose-region ${lost.join(" ")}: a region-loss drill loses P (${p}), optionally with ${ROUTE53_REGION}; name ${p}`,
      ExitCode.usage,
    );
  }
  const other = lost.filter((r) => r !== p && r !== ROUTE53_REGION);
  if (other.length > 0) {
    throw new CliError(
      `--lose-region ${other.join(" ")}: only P (${p}) and ${ROUTE53_REGION} can be lost in a drill; losing B (${config.backup.region}) leaves nowhere to fail over to`,
      ExitCode.usage,
    );
  }
  return {
    scenario: lost.includes(ROUTE53_REGION) ? "primary-and-us-east-1-lost" : "primary-lost",
    regions: lost,
  };
}

/** The fault proxy refuses every request the programs send to the lost regions, from now on. */
export async function loseRegions(endpoint: string, loss: RegionLoss): Promise<void> {
  await setFaults(endpoint, Object.fromEntries(loss.regions.map((r) => [r, "refuse"])));
  await resetCounts(endpoint);
}

/** Every region answers again (the drill's end); returns what the proxy counted while they were lost. */
export async function restoreRegions(endpoint: string): Promise<Counts> {
  const counts = await readCounts(endpoint);
  await setFaults(endpoint, {});
  return counts;
}

/** The programs' requests to a lost region that got through (the proof is that there are none). */
export function passedToLost(
  counts: Counts,
  loss: RegionLoss,
): { region: string; passed: number; refused: number }[] {
  return loss.regions.map((region) => ({
    region,
    passed: counts[region]?.passed ?? 0,
    refused: counts[region]?.refused ?? 0,
  }));
}
