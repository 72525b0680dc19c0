import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { HARNESS_HEADER } from "../aws/clients.js";
import { requestScope, servingRegion } from "./sigv4-scope.js";

/**
 * A fault proxy in front of the local emulator: the emulator never loses a region, so local
 * mode loses one here. Every request is put in the region its SigV4 credential scope names
 * (Route 53 and IAM in us-east-1, see sigv4-scope.ts) and, by that region's mode, streamed
 * through to the emulator, refused (the connection reset at once), or hung (accepted, read,
 * never answered: what a client's timeouts must survive). Per-region counts let a test prove
 * that no request to a lost region got through. The local harness's requests (HARNESS_HEADER)
 * play AWS itself and pass whatever the faults, counted under "harness". A small control API under /__pilotlight/
 * (`/__pilotlight/faults`, `/__pilotlight/counts`) reads and sets the modes; fault-proxy-control.ts
 * is its client. Other /__pilotlight/ paths are the emulator's own (moto_server.py). S3 bucket
 * names cannot contain "_", so none of them shadows an AWS path.
 */

export const FAULT_MODES = ["pass", "refuse", "hang"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** Mode per region; a region not named passes. */
export type Faults = Record<string, FaultMode>;

export interface RegionCounts {
  passed: number;
  refused: number;
  hung: number;
}

/** Counts per serving region; requests without a SigV4 scope (the emulator's /moto-api) under "unsigned". */
export type Counts = Record<string, RegionCounts>;

export const CONTROL_PREFIX = "/__pilotlight/";
const CONTROL_ROUTES = new Set([`${CONTROL_PREFIX}faults`, `${CONTROL_PREFIX}counts`]);
/** Marks the proxy's own answers, so a client can tell them from the emulator's. */
export const CONTROL_HEADER = "x-pilotlight-fault-proxy";
export const UNSIGNED = "unsigned";
/** Counts of the local harness's requests (HARNESS_HEADER), which pass whatever the faults. */
export const HARNESS = "harness";

export class FaultProxyError extends Error {
  override readonly name = "FaultProxyError";
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Validates a faults document (`{"eu-west-1": "refuse"}`), naming what is wrong. */
export function parseFaults(input: unknown): Faults {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new FaultProxyError(
      `faults must be a JSON object of region to mode, e.g. {"eu-west-1":"refuse"}; got ${JSON.stringify(input)}`,
    );
  }
  const faults: Faults = {};
  for (const [region, mode] of Object.entries(input)) {
    if (!REGION.test(region)) {
      throw new FaultProxyError(`"${region}" is not an AWS region name (e.g. eu-west-1)`);
    }
    if (!FAULT_MODES.includes(mode as FaultMode)) {
      throw new FaultProxyError(
        `the fault for ${region} is ${JSON.stringify(mode)}; use one of ${FAULT_MODES.join(", ")}`,
      );
    }
    faults[region] = mode as FaultMode;
  }
  return faults;
}

export interface FaultProxy {
  /** The endpoint to hand to SDK clients and Terraform instead of the emulator's. */
  endpoint: string;
  faults(): Faults;
  setFaults(faults: Faults): void;
  counts(): Counts;
  resetCounts(): void;
  /** Stops listening and drops every connection, hung ones included. */
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection; Expect was answered here already.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "expect",
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** Starts the proxy on loopback in front of `target` (the emulator's own endpoint). */
export async function startFaultProxy(
  target: string,
  options: { port?: number; faults?: Faults } = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let faults: Faults = { ...(options.faults ?? {}) };
  let counts: Counts = {};
  const hung = new Set<Socket>();

  const count = (region: string, outcome: keyof RegionCounts) => {
    counts[region] ??= { passed: 0, refused: 0, hung: 0 };
    counts[region][outcome] += 1;
  };

  const pass = (req: IncomingMessage, res: ServerResponse) => {
    const forward = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      // The Host header goes through unchanged, so URLs the emulator builds (SQS queue URLs)
      // point back at the proxy.
      headers: endToEnd(req.headers),
      agent,
    });
    forward.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      answer.pipe(res);
    });
    forward.on("error", (err) => {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`fault proxy: the emulator at ${target} did not answer (${err.message})`);
    });
    res.on("close", () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  };

  const control = async (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", [CONTROL_HEADER]: "1" });
      res.end(JSON.stringify(body));
    };
    const route = `${req.method} ${req.url?.split("?")[0]}`;
    if (route === `GET ${CONTROL_PREFIX}faults`) return reply(200, faults);
    if (route === `GET ${CONTROL_PREFIX}counts`) return reply(200, counts);
    if (route === `DELETE ${CONTROL_PREFIX}counts`) {
      counts = {};
      return reply(200, counts);
    }
    if (route === `PUT ${CONTROL_PREFIX}faults`) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        faults = parseFaults(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch (err) {
        return reply(400, { error: (err as Error).message });
      }
      return reply(200, faults);
    }
    reply(405, {
      error: `no control route ${route}; use GET|PUT ${CONTROL_PREFIX}faults, GET|DELETE ${CONTROL_PREFIX}counts`,
    });
  };

  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    if (CONTROL_ROUTES.has(req.url?.split("?")[0] ?? "")) {
      void control(req, res);
      return;
    }
    if (req.headers[HARNESS_HEADER]) {
      // the harness plays AWS itself (Route 53's data plane, CloudWatch's evaluation): never lost
      count(HARNESS, "passed");
      pass(req, res);
      return;
    }
    const scope = requestScope(req.headers.authorization, req.url ?? "/");
    const region = scope ? servingRegion(scope) : UNSIGNED;
    const mode = faults[region] ?? "pass";
    if (mode === "refuse") {
      count(region, "refused");
      // A TCP reset: the client sees ECONNRESET at once, as from an unreachable service.
      req.socket.resetAndDestroy();
      return;
    }
    if (mode === "hang") {
      count(region, "hung");
      // Read the whole request so the client waits for an answer that never comes.
      hung.add(req.socket);
      req.socket.once("close", () => hung.delete(req.socket));
      req.resume();
      return;
    }
    count(region, "passed");
    pass(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (typeof address !== "object" || !address) throw new FaultProxyError("the fault proxy has no address");

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    faults: () => ({ ...faults }),
    setFaults: (next) => {
      faults = parseFaults(next);
    },
    counts: () => structuredClone(counts),
    resetCounts: () => {
      counts = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of hung) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
