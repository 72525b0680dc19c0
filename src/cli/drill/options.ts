/** The options of `pilotlight drill` (src/cli/commands/drill.ts), shared by its local and AWS paths. */
export interface DrillOptions {
  local?: boolean;
  yes?: boolean;
  /** AWS: answers the drill's question without a terminal (--yes does not). */
  acceptOutage?: boolean;
  /** AWS: end a running or killed drill from its record (P restored only if no incident opened). */
  abort?: boolean;
  stateDir: string;
  reportDir?: string;
  timeout?: string;
  handler: string;
  /** Local: the probe function bundle, run every played minute when regions are lost. */
  probeHandler: string;
  /** Local: the regions to lose (P, and optionally us-east-1): a region-loss drill. */
  loseRegion?: string[];
  app: string;
  baseline: string;
  after: string;
  /** Local: how long the emulator's promotion of B's replica takes (its patch; default instant). */
  promotionSeconds?: string;
  /** AWS: recursive resolvers to measure DNS through (default: the system resolver). */
  resolver?: string[];
}

/** How long the drill waits for the failover's milestones: --timeout, else 120 s local and 1200 s on AWS. */
export function drillTimeoutSeconds(options: DrillOptions): number {
  return Number(options.timeout ?? (options.local ? 120 : 1200));
}
