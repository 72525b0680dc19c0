import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import {
  HEALTH_SIGNAL_VALUES,
  type HealthSignal,
  LATCH_SIGNAL_VALUES,
  type LatchSignal,
  signalVerdict,
} from "../core/route53.js";

export interface SignalReading<V extends string> {
  /** Route 53's verdict on the pair's PRIMARY check; absent when no name server answered with the pair. */
  verdict?: V;
  /** The name server that answered. */
  server?: string;
  detail: string;
}

export type HealthSignalReading = SignalReading<HealthSignal>;
export type LatchSignalReading = SignalReading<LatchSignal>;

/** Route 53's verdict on P's endpoint check from its data plane: the health-signal pair (below). */
export function readHealthSignal(
  name: string,
  nameServers: readonly string[],
  timeoutMs: number,
): Promise<HealthSignalReading> {
  return readSignal(HEALTH_SIGNAL_VALUES, name, nameServers, timeoutMs);
}

/** Route 53's verdict on the inverted latch check from its data plane: the latch-signal pair. */
export function readLatchSignal(
  name: string,
  nameServers: readonly string[],
  timeoutMs: number,
): Promise<LatchSignalReading> {
  return readSignal(LATCH_SIGNAL_VALUES, name, nameServers, timeoutMs);
}

/**
 * Reads Route 53's verdict on a signal pair's PRIMARY check from its data plane: a failover TXT pair (dns module), asked
 * of the zone's authoritative name servers, not of a recursive resolver whose cache may be a TTL
 * old. Works while us-east-1, Route 53's API and its metrics are gone. Each server gets one try of
 * `timeoutMs`; the first that answers with the pair wins.
 *
 * @param nameServers host names (resolved first) or ip / ip:port (local mode)
 */
async function readSignal<V extends string>(
  values: Record<V, string>,
  name: string,
  nameServers: readonly string[],
  timeoutMs: number,
): Promise<SignalReading<V>> {
  const failures: string[] = [];
  for (const server of nameServers) {
    try {
      const address = await serverAddress(server, timeoutMs);
      const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
      resolver.setServers([address]);
      const verdict = signalVerdict(values, await resolver.resolveTxt(name));
      if (verdict) return { verdict, server, detail: `${server} answers ${values[verdict]}` };
      failures.push(`${server}: no signal value`);
    } catch (error) {
      failures.push(`${server}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return { detail: `no name server answered ${name}: ${failures.join("; ")}` };
}

/** An ip or ip:port as given; a host name resolved to its first IPv4 address. */
async function serverAddress(server: string, timeoutMs: number): Promise<string> {
  const host = server.replace(/:\d+$/, "");
  if (isIP(host) || isIP(server)) return server;
  const [address] = await new Resolver({ timeout: timeoutMs, tries: 1 }).resolve4(server);
  if (!address) throw new Error(`${server} has no IPv4 address`);
  return address;
}
