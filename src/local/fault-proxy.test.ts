import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import { ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SourceData } from "@smithy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { readCounts, readFaults, resetCounts, setFaults } from "./fault-proxy-control.js";
import { requestScope } from "./sigv4-scope.js";

// A loopback stand-in for the emulator: it stores what is PUT, returns it on GET, and records
// every request's credential scope, so a test sees exactly what got through the proxy.
interface Seen {
  method: string;
  url: string;
  region: string | undefined;
  service: string | undefined;
}
const seen: Seen[] = [];
const objects = new Map<string, Buffer>();
let echo: Server;
let echoEndpoint: string;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  echo = createServer(async (req, res) => {
    const scope = requestScope(req.headers.authorization, req.url ?? "/");
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      region: scope?.region,
      service: scope?.service,
    });
    const data = await body(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "PUT") {
      objects.set(path, data);
      res.writeHead(200, { etag: `"${createHash("sha256").update(data).digest("hex")}"` });
      res.end();
      return;
    }
    const stored = objects.get(path) ?? Buffer.from("{}");
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": stored.length });
    res.end(stored);
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  const address = echo.address();
  echoEndpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  echo.closeAllConnections();
  await new Promise((r) => echo.close(r));
});

const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === "string"
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };
const clientConfig = (endpoint: string, region: string) => ({
  region,
  endpoint,
  credentials,
  maxAttempts: 1,
});

let proxy: FaultProxy;
afterEach(async () => {
  await proxy?.close();
  seen.length = 0;
});

describe("fault proxy", () => {
  describe("pass", () => {
    it("streams a signed request and its answer through unchanged and counts it for the signed region", async () => {
      // Prepare
      proxy = await startFaultProxy(echoEndpoint);
      const s3 = new S3Client({ ...clientConfig(proxy.endpoint, "eu-central-1"), forcePathStyle: true });
      const data = randomBytes(4 * 1024 * 1024);

      // Act
      const put = await s3.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: data }));
      const got = await s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" }));
      const back = Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array()));

      // Assess
      expect(put.ETag).toBe(`"${createHash("sha256").update(data).digest("hex")}"`);
      expect(back.equals(data)).toBe(true);
      expect(seen.map((s) => `${s.method} ${s.region}`)).toEqual(["PUT eu-central-1", "GET eu-central-1"]);
      expect(proxy.counts()).toEqual({ "eu-central-1": { passed: 2, refused: 0, hung: 0 } });
    });
  });

  describe("refuse", () => {
    it("resets every request signed for a lost region at once, and passes the other region's", async () => {
      // Prepare
      proxy = await startFaultProxy(echoEndpoint, { faults: { "eu-west-1": "refuse" } });
      const lost = new S3Client({ ...clientConfig(proxy.endpoint, "eu-west-1"), forcePathStyle: true });
      const kept = new S3Client({ ...clientConfig(proxy.endpoint, "eu-central-1"), forcePathStyle: true });
      const started = Date.now();

      // Act
      const refused = lost.send(new GetObjectCommand({ Bucket: "b", Key: "k" }));
      await expect(refused).rejects.toMatchObject({ code: "ECONNRESET" });
      const refusedAfterMs = Date.now() - started;
      await kept.send(new GetObjectCommand({ Bucket: "b", Key: "k" }));

      // Assess
      expect(refusedAfterMs).toBeLessThan(1_000);
      expect(seen.map((s) => s.region)).toEqual(["eu-central-1"]);
      expect(proxy.counts()).toEqual({
        "eu-west-1": { passed: 0, refused: 1, hung: 0 },
        "eu-central-1": { passed: 1, refused: 0, hung: 0 },
      });
    });

    it("refuses every retry of the SDK too: none reaches the emulator", async () => {
      proxy = await startFaultProxy(echoEndpoint, { faults: { "eu-west-1": "refuse" } });
      const s3 = new S3Client({
        ...clientConfig(proxy.endpoint, "eu-west-1"),
        maxAttempts: 3,
        forcePathStyle: true,
      });

      await expect(s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" }))).rejects.toMatchObject({
        $metadata: { attempts: 3 },
      });

      expect(seen).toEqual([]);
      expect(proxy.counts()["eu-west-1"]).toEqual({ passed: 0, refused: 3, hung: 0 });
    });

    it("loses Route 53 and IAM with us-east-1 whatever region their client names, and keeps STS regional", async () => {
      // Measured: against a custom endpoint SDK v3 signs Route 53 and IAM with the client's region
      // (.../eu-west-1/route53/aws4_request); on AWS both are global, signed for and served from
      // us-east-1 (Route 53 endpoints and quotas; IAM's endpoint iam.amazonaws.com). STS uses its
      // regional endpoint by default in SDK v3 (AWS SDKs and Tools: STS Regional endpoints).
      // Prepare
      proxy = await startFaultProxy(echoEndpoint, { faults: { "us-east-1": "refuse" } });
      const route53 = new Route53Client(clientConfig(proxy.endpoint, "eu-west-1"));
      const iam = new IAMClient(clientConfig(proxy.endpoint, "eu-west-1"));
      const sts = new STSClient(clientConfig(proxy.endpoint, "eu-west-1"));

      // Act
      await expect(route53.send(new ListHostedZonesCommand({}))).rejects.toMatchObject({
        code: "ECONNRESET",
      });
      await expect(iam.send(new ListRolesCommand({}))).rejects.toMatchObject({ code: "ECONNRESET" });
      // the echo's answer is no STS document, so the call fails to parse: it did get through
      await sts.send(new GetCallerIdentityCommand({})).catch(() => undefined);

      // Assess
      expect(seen.map((s) => `${s.service} ${s.region}`)).toEqual(["sts eu-west-1"]);
      expect(proxy.counts()).toEqual({
        "us-east-1": { passed: 0, refused: 2, hung: 0 },
        "eu-west-1": { passed: 1, refused: 0, hung: 0 },
      });
    });

    it("reads a presigned request's region from X-Amz-Credential", async () => {
      // Prepare: an S3 GET presigned for eu-west-1 by the SDK's own SigV4 signer
      proxy = await startFaultProxy(echoEndpoint, { faults: { "eu-west-1": "refuse" } });
      const signer = new SignatureV4({
        service: "s3",
        region: "eu-west-1",
        credentials,
        sha256: class {
          private readonly hash;
          constructor(secret?: SourceData) {
            this.hash = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
          }
          update(data: SourceData) {
            this.hash.update(bytes(data));
          }
          async digest() {
            return new Uint8Array(this.hash.digest());
          }
        },
      });
      const { port } = new URL(proxy.endpoint);
      const presigned = await signer.presign({
        method: "GET",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: Number(port),
        path: "/b/k",
        query: {},
        headers: { host: `127.0.0.1:${port}` },
      });
      const query = new URLSearchParams(presigned.query as Record<string, string>).toString();

      // Act
      const answer = fetch(`${proxy.endpoint}/b/k?${query}`);

      // Assess
      expect(query).toContain("X-Amz-Credential=AKIDTEST%2F");
      await expect(answer).rejects.toThrow();
      expect(seen).toEqual([]);
      expect(proxy.counts()["eu-west-1"]?.refused).toBe(1);
    });
  });

  describe("hang", () => {
    it("accepts a lost region's request and never answers, until the client gives up", async () => {
      // Prepare
      proxy = await startFaultProxy(echoEndpoint, { faults: { "eu-west-1": "hang" } });
      const s3 = new S3Client({ ...clientConfig(proxy.endpoint, "eu-west-1"), forcePathStyle: true });
      const started = Date.now();

      // Act
      const call = s3.send(new PutObjectCommand({ Bucket: "b", Key: "hung", Body: "x" }), {
        abortSignal: AbortSignal.timeout(1_500),
      });

      // Assess
      await expect(call).rejects.toMatchObject({ name: "AbortError" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
      expect(seen).toEqual([]);
      expect(proxy.counts()["eu-west-1"]).toEqual({ passed: 0, refused: 0, hung: 1 });
    });

    it("drops hung connections when it closes", async () => {
      proxy = await startFaultProxy(echoEndpoint, { faults: { "eu-west-1": "hang" } });
      const s3 = new S3Client({ ...clientConfig(proxy.endpoint, "eu-west-1"), forcePathStyle: true });
      const call = s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" }));
      await new Promise((r) => setTimeout(r, 200));

      await proxy.close();

      await expect(call).rejects.toThrow();
    });
  });

  describe("control API", () => {
    it("sets and reads the faults and the counts over HTTP", async () => {
      // Prepare
      proxy = await startFaultProxy(echoEndpoint);
      const s3 = new S3Client({ ...clientConfig(proxy.endpoint, "eu-west-1"), forcePathStyle: true });

      // Act
      const set = await setFaults(proxy.endpoint, { "eu-west-1": "refuse", "us-east-1": "hang" });
      await s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })).catch(() => undefined);
      const counts = await readCounts(proxy.endpoint);
      const reset = await resetCounts(proxy.endpoint);
      await setFaults(proxy.endpoint, {});

      // Assess
      expect(set).toEqual({ "eu-west-1": "refuse", "us-east-1": "hang" });
      expect(counts).toEqual({ "eu-west-1": { passed: 0, refused: 1, hung: 0 } });
      expect(reset).toEqual({});
      expect(await readFaults(proxy.endpoint)).toEqual({});
    });

    it("refuses a fault it does not know, naming the region and the modes, and keeps the old faults", async () => {
      proxy = await startFaultProxy(echoEndpoint, { faults: { "eu-west-1": "hang" } });

      await expect(setFaults(proxy.endpoint, { "eu-west-1": "down" } as never)).rejects.toThrow(
        /the fault for eu-west-1 is "down"; use one of pass, refuse, hang/,
      );
      await expect(setFaults(proxy.endpoint, { Europe: "refuse" })).rejects.toThrow(
        /"Europe" is not an AWS region name/,
      );
      expect(await readFaults(proxy.endpoint)).toEqual({ "eu-west-1": "hang" });
    });

    it("says so when the endpoint has no fault proxy in front", async () => {
      const bare = createServer((_req, res) => {
        res.writeHead(404);
        res.end("Not Found");
      });
      await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
      const address = bare.address();
      const endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      try {
        await expect(readFaults(endpoint)).rejects.toThrow(/has no fault proxy in front/);
      } finally {
        bare.close();
      }
    });
  });
});
