// Timeouts that abort, proven against real sockets on loopback: a server that accepts and never
// answers (an endpoint that hangs, as a region in trouble does), and one that sends headers and
// then stalls the body. @smithy/node-http-handler documents `requestTimeout` as a warning unless
// `throwOnRequestTimeout` is set, and it stops counting once the headers arrive: the body is
// bounded by `socketTimeout` (idle socket) alone.
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { exampleConfig } from "../../test/fixtures/config.js";
import { createFailoverPorts } from "../functions/shared/aws-ports.js";
import { Clients, FUNCTION_CLIENT_OPTIONS } from "./clients.js";

/** A TCP server on loopback; `onConnection` decides what (if anything) it ever writes. */
async function server(onConnection: (socket: Socket) => void): Promise<{ url: string; server: Server }> {
  const sockets = new Set<Socket>();
  const s = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  s.on("close", () => {
    for (const socket of sockets) socket.destroy();
  });
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const address = s.address();
  if (!address || typeof address === "string") throw new Error("no TCP address");
  return { url: `http://127.0.0.1:${address.port}`, server: s };
}

/** Settles `promise` or reports that it did not settle within `ms` (the defect: it hangs). */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), ms);
  });
  try {
    const outcome = await Promise.race([promise.then(() => "answered" as const), hung]);
    return {
      error: new Error(`call ${outcome} instead of failing within ${ms} ms`),
      ms: Date.now() - started,
    };
  } catch (error) {
    return { error, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

const servers: Server[] = [];
const clients: Clients[] = [];

beforeAll(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "testing");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing");
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) s.close();
  vi.unstubAllEnvs();
  vi.stubEnv("AWS_ACCESS_KEY_ID", "testing");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing");
});
afterAll(() => vi.unstubAllEnvs());

describe("Clients", () => {
  describe("a call to an endpoint that accepts and never answers", () => {
    it("fails with a TimeoutError after the request timeout instead of waiting", async () => {
      // Prepare
      const hung = await server(() => {});
      servers.push(hung.server);
      const c = new Clients({
        endpointFor: () => hung.url,
        connectionTimeoutMs: 500,
        requestTimeoutMs: 1_000,
        maxAttempts: 1,
      });
      clients.push(c);

      // Act
      const result = await settleWithin(
        c.ssm("eu-central-1").send(new GetParameterCommand({ Name: "x" })),
        4_000,
      );

      // Assess
      expect(result.error).toMatchObject({ name: "TimeoutError" });
      expect(result.ms).toBeLessThan(2_500);
    });
  });

  describe("a call whose answer's headers arrive and whose body stalls", () => {
    it("fails with a TimeoutError once the socket idles for the request timeout", async () => {
      // Prepare
      const stalled = await server((socket) => {
        socket.once("data", () =>
          socket.write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4096\r\n\r\n<DescribeDBInstancesResponse>",
          ),
        );
      });
      servers.push(stalled.server);
      const c = new Clients({
        endpointFor: () => stalled.url,
        connectionTimeoutMs: 500,
        requestTimeoutMs: 1_000,
        maxAttempts: 1,
      });
      clients.push(c);

      // Act
      const result = await settleWithin(
        c.rds("eu-central-1").send(new DescribeDBInstancesCommand({})),
        4_000,
      );

      // Assess
      expect(result.error).toMatchObject({ name: "TimeoutError" });
      expect(result.ms).toBeLessThan(2_500);
    });
  });
});

describe("createFailoverPorts", () => {
  describe("with the function's own client settings and AWS_ENDPOINT_URL at a hung endpoint", () => {
    it("fails the call within its attempts' request timeouts, well inside the function's timeout", async () => {
      // Prepare: local mode aims every client at one endpoint through AWS_ENDPOINT_URL
      const hung = await server(() => {});
      servers.push(hung.server);
      vi.stubEnv("AWS_ENDPOINT_URL", hung.url);
      const ports = createFailoverPorts(exampleConfig());
      const { requestTimeoutMs, maxAttempts } = FUNCTION_CLIENT_OPTIONS;
      const bound = maxAttempts * requestTimeoutMs + 2_000;

      // Act
      const result = await settleWithin(ports.database.describe("demo-replica"), bound + 5_000);

      // Assess: every attempt timed out (the SDK retries a TimeoutError), then the call failed
      expect(result.error).toMatchObject({ operation: "rds:DescribeDBInstances" });
      expect(String((result.error as Error).message)).toMatch(/timed out|requestTimeout/);
      expect(result.ms).toBeGreaterThanOrEqual(maxAttempts * requestTimeoutMs - 100);
      expect(result.ms).toBeLessThan(bound);
    }, 40_000);
  });
});

describe("Clients.bestEffort (the guard's calls to us-east-1 and to P)", () => {
  it("abandons a hung Route 53 API and a hung P after one attempt of failover.bestEffortTimeoutMs", async () => {
    // Prepare: every endpoint accepts and never answers, as a region in trouble does
    const hung = await server(() => {});
    servers.push(hung.server);
    vi.stubEnv("AWS_ENDPOINT_URL", hung.url);
    const config = exampleConfig();
    config.failover.bestEffortTimeoutMs = 1_000;
    const { signals } = createFailoverPorts(config);

    // Act
    const [route53, primary] = await Promise.all([
      settleWithin(signals.endpointCheck.describe(config.dns.healthCheckId), 5_000),
      settleWithin(signals.primaryDatabase.describe(config.primary.db.instanceId), 5_000),
    ]);

    // Assess: the SDK itself aborted (no retry), well before the function's own clients would
    for (const result of [route53, primary]) {
      expect(String((result.error as Error).message)).toMatch(/timed out|requestTimeout/);
      expect(result.ms).toBeGreaterThanOrEqual(900);
      expect(result.ms).toBeLessThan(2_000);
    }
  });
});
