import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { probeEndpoint } from "./http-probe.js";

let server: Server | undefined;

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe("probeEndpoint: one Route 53 checker's verdict (API_HealthCheckConfig, Type)", () => {
  it("passes a 200 whose body holds the search string", async () => {
    const url = await serve((_req, res) => res.end('{"status":"ok"}'));
    const result = await probeEndpoint({ url, searchString: '"status":"ok"' }, 2_000);
    expect(result).toMatchObject({ healthy: true, response: { status: 200 } });
  });

  it("fails a 200 without the search string, and a 503", async () => {
    const url = await serve((req, res) => {
      res.statusCode = req.headers["x-fail"] ? 503 : 200;
      res.end("degraded");
    });
    expect((await probeEndpoint({ url, searchString: '"status":"ok"' }, 2_000)).healthy).toBe(false);
    server?.removeAllListeners("request");
    server?.on("request", (_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    expect(await probeEndpoint({ url }, 2_000)).toMatchObject({ healthy: false, response: { status: 503 } });
  });

  it("fails an endpoint that accepts and never answers, within the timeout", async () => {
    const url = await serve(() => {});
    const result = await probeEndpoint({ url }, 300);
    expect(result.healthy).toBe(false);
    expect(result.detail).toMatch(/^no answer/);
    expect(result.elapsedMs).toBeLessThan(2_000);
  });

  it("fails a refused connection", async () => {
    const url = await serve((_req, res) => res.end());
    await new Promise((resolve) => server?.close(resolve));
    const result = await probeEndpoint({ url }, 2_000);
    expect(result).toMatchObject({ healthy: false, response: {} });
    expect(result.detail).toMatch(/ECONNREFUSED/);
  });
});
