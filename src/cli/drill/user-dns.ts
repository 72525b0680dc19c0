import { Resolver } from "node:dns/promises";
import type { DeploymentConfig } from "../../core/config.js";
import type { MilestoneProbe } from "./milestones.js";

/** Resolves a name's IPv4 addresses (node:dns's Resolver.resolve4, or a fake in tests). */
export type Resolve4 = (name: string) => Promise<string[]>;

/**
 * A resolver as users have one: the system's (no servers given) or the ones named, e.g. public
 * recursive resolvers. Answers come from their caches, so the drill measures what users see,
 * TTLs and resolver caching included, not what Route 53's API state implies.
 */
export function recursiveResolver(servers: readonly string[] = []): Resolve4 {
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (servers.length) resolver.setServers([...servers]);
  return (name) => resolver.resolve4(name);
}

/**
 * True when every address the app's name resolves to is one of B's ALB addresses, both asked of
 * the same resolver at the same moment (an ALB's addresses change; the pair stays comparable).
 */
export async function answersBackup(resolve4: Resolve4, config: DeploymentConfig): Promise<boolean> {
  const [app, backup] = await Promise.all([
    resolve4(config.dns.recordName),
    resolve4(config.backup.alb.dnsName),
  ]);
  const b = new Set(backup);
  return app.length > 0 && app.every((ip) => b.has(ip));
}

/** The drill's "users' DNS answers B" milestone, one probe per resolver. */
export function userDnsProbes(
  config: DeploymentConfig,
  resolvers: Record<string, Resolve4>,
): Record<string, MilestoneProbe> {
  return Object.fromEntries(
    Object.entries(resolvers).map(([label, resolve4]) => [
      `dns:${label}`,
      {
        name: `DNS answering B through ${label}`,
        source: `recursive resolver ${label}: ${config.dns.recordName} resolves to B's ALB addresses only`,
        probe: async () =>
          (await answersBackup(resolve4, config).catch(() => false)) ? Date.now() : undefined,
      },
    ]),
  );
}
