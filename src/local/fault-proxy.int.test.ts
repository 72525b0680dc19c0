import { CreateHostedZoneCommand, ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { CALL_LOG_ENV } from "../aws/call-recorder.js";
import { Clients } from "../aws/clients.js";
import { type FaultProxy, HARNESS, startFaultProxy } from "./fault-proxy.js";

// The test's own proxy in front of the run's emulator, so losing a region here touches no other
// test file. Regions as in a deployment: P = eu-west-1, B = eu-central-1.
const P = "eu-west-1";
const B = "eu-central-1";
const id = `fault-${Date.now()}`;

let proxy: FaultProxy;
beforeEach(async () => {
  proxy = await startFaultProxy(inject("awsEndpoint"));
});
afterEach(async () => {
  await proxy.close();
});

const config = (region: string) => ({ region, endpoint: proxy.endpoint, maxAttempts: 1 });

async function putParameters() {
  for (const region of [P, B]) {
    await new SSMClient(config(region)).send(
      new PutParameterCommand({ Name: `/${id}/${region}`, Value: region, Type: "String", Overwrite: true }),
    );
  }
}

describe("fault proxy in front of moto", () => {
  it("loses P: every call to P fails, B's calls and Route 53 still answer, and none to P got through", async () => {
    // Prepare
    await putParameters();
    proxy.setFaults({ [P]: "refuse" });
    proxy.resetCounts();

    // Act
    const toP = await new SSMClient(config(P))
      .send(new GetParameterCommand({ Name: `/${id}/${P}` }))
      .catch((err: unknown) => err);
    const toB = await new SSMClient(config(B)).send(new GetParameterCommand({ Name: `/${id}/${B}` }));
    const zones = await new Route53Client(config(B)).send(new ListHostedZonesCommand({}));

    // Assess
    expect(toP).toMatchObject({ code: "ECONNRESET" });
    expect(toB.Parameter?.Value).toBe(B);
    expect(zones.HostedZones).toBeDefined();
    expect(proxy.counts()[P]).toEqual({ passed: 0, refused: 1, hung: 0 });
    expect(proxy.counts()["us-east-1"]?.passed).toBe(1);
  });

  it("loses P and us-east-1: Route 53's control plane is gone from every region, B's regional APIs answer", async () => {
    // Route 53's API is served from us-east-1 (Route 53 endpoints and quotas); STS answers from
    // B's own regional endpoint (AWS SDKs and Tools reference: STS Regional endpoints).
    // Prepare
    await putParameters();
    proxy.setFaults({ [P]: "refuse", "us-east-1": "refuse" });
    proxy.resetCounts();

    // Act
    const route53 = await new Route53Client(config(B))
      .send(new CreateHostedZoneCommand({ Name: `${id}.example.com`, CallerReference: id }))
      .catch((err: unknown) => err);
    const toB = await new SSMClient(config(B)).send(new GetParameterCommand({ Name: `/${id}/${B}` }));
    const identity = await new STSClient(config(B)).send(new GetCallerIdentityCommand({}));

    // Assess
    expect(route53).toMatchObject({ code: "ECONNRESET" });
    expect(toB.Parameter?.Value).toBe(B);
    expect(identity.Account).toMatch(/^\d{12}$/);
    expect(proxy.counts()["us-east-1"]).toEqual({ passed: 0, refused: 1, hung: 0 });
    expect(proxy.counts()[P]).toBeUndefined();
  });

  it("lets the harness play Route 53's data plane with us-east-1 lost, counted apart: the programs' calls are refused", async () => {
    // Prepare
    proxy.setFaults({ [P]: "refuse", "us-east-1": "refuse" });
    proxy.resetCounts();
    // the test's own calls, not a program's: kept out of the IAM contract's call log
    const log = process.env[CALL_LOG_ENV];
    delete process.env[CALL_LOG_ENV];
    const cli = new Clients({ endpointFor: () => proxy.endpoint, maxAttempts: 1 });

    // Act
    const program = await cli
      .route53()
      .send(new ListHostedZonesCommand({}))
      .catch((err: unknown) => err);
    const harness = await cli.forLocalHarness().route53().send(new ListHostedZonesCommand({}));

    // Assess
    expect(program).toMatchObject({ code: "ECONNRESET" });
    expect(harness.HostedZones).toBeDefined();
    expect(proxy.counts()["us-east-1"]).toEqual({ passed: 0, refused: 1, hung: 0 });
    expect(proxy.counts()[HARNESS]).toEqual({ passed: 1, refused: 0, hung: 0 });
    cli.destroy();
    if (log !== undefined) process.env[CALL_LOG_ENV] = log;
  });

  it("hangs P: a call waits until the SDK's own request timeout aborts it, and answers once P is back", async () => {
    // Prepare
    await putParameters();
    proxy.setFaults({ [P]: "hang" });
    proxy.resetCounts();
    const ssm = new SSMClient({
      ...config(P),
      requestHandler: { requestTimeout: 1_500, throwOnRequestTimeout: true },
    });
    const started = Date.now();

    // Act
    const hung = await ssm
      .send(new GetParameterCommand({ Name: `/${id}/${P}` }))
      .catch((err: unknown) => err);
    const waitedMs = Date.now() - started;
    proxy.setFaults({});
    const back = await ssm.send(new GetParameterCommand({ Name: `/${id}/${P}` }));

    // Assess
    expect(hung).toMatchObject({ name: "TimeoutError", code: "ETIMEDOUT" });
    expect(waitedMs).toBeGreaterThanOrEqual(1_400);
    expect(back.Parameter?.Value).toBe(P);
    expect(proxy.counts()[P]).toEqual({ passed: 1, refused: 0, hung: 1 });
  });

  it("hangs P: an SDK request timeout without throwOnRequestTimeout only warns, and the call keeps waiting", async () => {
    // @smithy/node-http-handler logs "[WARN] a request has exceeded the configured ... requestTimeout"
    // unless throwOnRequestTimeout is set: the hang mode is how local mode catches such a client.
    // Prepare
    proxy.setFaults({ [P]: "hang" });
    const ssm = new SSMClient({ ...config(P), requestHandler: { requestTimeout: 500 } });

    // Act
    const call = ssm.send(new GetParameterCommand({ Name: `/${id}/${P}` })).then(
      () => "answered",
      () => "failed",
    );
    const outcome = await Promise.race([
      call,
      new Promise((r) => setTimeout(() => r("still waiting"), 2_000)),
    ]);

    // Assess
    expect(outcome).toBe("still waiting");
    expect(proxy.counts()[P]).toEqual({ passed: 0, refused: 0, hung: 1 });
    await proxy.close(); // drops the hung connection, so the call ends
    expect(await call).toBe("failed");
  });
});
