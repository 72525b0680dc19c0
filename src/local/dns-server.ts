import { createSocket, type Socket } from "node:dgram";
import * as dnsPacket from "dns-packet";

/**
 * The answers of a local authoritative name server: per name, the TXT values and A addresses it
 * holds now (undefined: no such record). Asked on every query, so an answer follows the state.
 */
export interface LocalZone {
  txt(name: string): Promise<string[] | undefined>;
  a?(name: string): Promise<string[] | undefined>;
}

export interface LocalNameServer {
  /** ip:port, as config.dns.healthSignal.nameServers names it. */
  address: string;
  close(): Promise<void>;
}

/** NXDOMAIN, the low bits of the flags (RFC 1035 4.1.1). */
const NXDOMAIN = 3;

/**
 * A name server on loopback (UDP) standing in for the zone's Route 53 name servers, which the
 * emulator does not run: it answers authoritatively from `zone`, so the probe and the guard read
 * the health-signal TXT pair in local mode through the same resolver code as on AWS.
 */
export async function startLocalNameServer(
  zone: LocalZone,
  options: { host?: string; port?: number; ttlSeconds?: number } = {},
): Promise<LocalNameServer> {
  const host = options.host ?? "127.0.0.1";
  const ttl = options.ttlSeconds ?? 0;
  const socket: Socket = createSocket("udp4");
  socket.on("message", (message, peer) => {
    void answer(zone, message, ttl)
      .then((reply) => reply && socket.send(reply, peer.port, peer.address))
      .catch(() => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 0, host, () => resolve());
  });
  const { port } = socket.address();
  return {
    address: `${host}:${port}`,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

async function answer(zone: LocalZone, message: Buffer, ttl: number): Promise<Buffer | undefined> {
  const query = dnsPacket.decode(message);
  if (query.type !== "query") return undefined;
  const answers: dnsPacket.Answer[] = [];
  let known = false;
  for (const q of query.questions ?? []) {
    const name = q.name.replace(/\.$/, "").toLowerCase();
    if (q.type === "TXT") {
      const values = await zone.txt(name);
      if (values) known = true;
      for (const data of values ?? []) answers.push({ type: "TXT", name: q.name, ttl, data });
    } else if (q.type === "A" && zone.a) {
      const addresses = await zone.a(name);
      if (addresses) known = true;
      for (const data of addresses ?? []) answers.push({ type: "A", name: q.name, ttl, data });
    }
  }
  return dnsPacket.encode({
    type: "response",
    id: query.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : NXDOMAIN),
    questions: query.questions ?? [],
    answers,
  });
}
