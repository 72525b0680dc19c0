import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeployment } from "../../../test/fixtures/deployment.js";
import { runCapture } from "../../../test/support/cli-run.js";
import { Clients } from "../../aws/clients.js";
import type { DeploymentConfig } from "../../core/config.js";
import {
  dynamoDbDrillRecordPort,
  dynamoDbLockPort,
  dynamoDbOperationRecordPort,
} from "../../functions/shared/aws-ports.js";
import type { OperationRecord } from "../../functions/shared/operation-record.js";
import { invokeHandler, playPromotion, reevaluationEvent } from "../../local/harness.js";
import { type AckedWrite, startLoad, verifyLedger } from "../../local/load.js";
import { inRecovery } from "../../local/pg-control.js";
import { appHealthy, loadStack, stopStack } from "../../local/stack.js";
import { DRILL_OPERATION } from "../drill/operation.js";
import { ExitCode } from "../exit-codes.js";
import { localDns } from "../failback/local.js";
import { FAILBACK_OPERATION } from "../failback/record.js";

// Interrupt anywhere (issue 19, Build item 3), on one deployment the fixture builds in the
// emulator and the local stack a drill leaves: the app under write load through the DNS name, a
// failback killed with SIGKILL at recorded step boundaries (chosen by watching the failback record,
// never by sleeping), each time re-run, the last run in-process with --yes. Needs the bundles.
const deployment = `ir${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), "pl-interrupt-"));
const stateDir = join(dir, "local");
let config: DeploymentConfig;
const base = () => ["--region", config.backup.region, "--deployment", deployment];

/** The stack's file in `dir` as it is now (a run rewrites it); undefined while it is being written. */
function currentStackIn(dir: string) {
  try {
    return loadStack(dir);
  } catch {
    return undefined;
  }
}
const currentStack = () => currentStackIn(stateDir);

/** The kill points: the failback record shows this step started (the one before it done), or this act recorded. */
const KILL_AT: { step?: string; act?: string }[] = [
  { step: "snapshot" },
  { step: "reverse-replication" },
  { act: "promote-primary" },
  { step: "rebuild-backup-replica" },
];

/** A CLI run as an operator's shell runs it: its own process, which SIGKILL ends without a finally. */
function cliProcess(args: string[]): ChildProcess {
  // one process, tsx's loader inside it: the tsx wrapper would run the CLI as its child, which a
  // SIGKILL of the wrapper leaves running
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return spawn(process.execPath, ["--import", tsx, join("src", "cli", "main.ts"), ...args], {
    env: process.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
}

function failbackProcess(): ChildProcess {
  return cliProcess([
    ...base(),
    "failback",
    "--local",
    "--state-dir",
    stateDir,
    "--yes",
    "--accept-data-loss",
  ]);
}

describe("interrupt anywhere: failback killed at its recorded steps, re-run", () => {
  beforeAll(async () => {
    ({ config } = await createDeployment({ deployment }));
  });
  afterAll(async () => {
    await stopStack(stateDir);
  });

  it("every acknowledged write readable on the final primary, at most one writable primary at every sample, the record closed, nothing renamed twice", async () => {
    const drill = await runCapture([...base(), "drill", "--local", "--yes", "--state-dir", stateDir]);
    expect(drill.code).toBe(ExitCode.ok);
    const stack = loadStack(stateDir);
    if (!stack) throw new Error("the drill left no local stack");
    const clients = new Clients();
    // the load resolves through the stack's file as it is at each request
    const dns = () => localDns(clients, config, currentStack() ?? stack)();
    const load = startLoad(
      async () => {
        const a = await dns();
        return { side: a.app.side, url: a.app.url };
      },
      { tag: `interrupt-${deployment}` },
    );
    // writable as the app sees it: its deep /health answers 200 only on a reachable, writable database
    let sampling = true;
    const samples: { at: number; writable: string[] }[] = [];
    const sampler = (async () => {
      while (sampling) {
        // the stack's file as it is now: a failback run restarts P's app (a new port and pid)
        const now = currentStack() ?? stack;
        const [p, b] = await Promise.all([
          appHealthy(now.apps.primary).catch(() => false),
          appHealthy(now.apps.backup).catch(() => false),
        ]);
        samples.push({ at: Date.now(), writable: [...(p ? ["P"] : []), ...(b ? ["B"] : [])] });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const record = dynamoDbOperationRecordPort(
      new DynamoDBClient({ region: config.backup.region }),
      config.failover.lockTableName,
      deployment,
      FAILBACK_OPERATION,
    );
    const killed: string[] = [];
    try {
      for (const point of KILL_AT) {
        const child = failbackProcess();
        let stderr = "";
        child.stderr?.on("data", (d) => {
          stderr += String(d);
        });
        const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
        let ended = false;
        void exited.then(() => {
          ended = true;
        });
        const hit = (r: OperationRecord | undefined) =>
          !!r && !r.closedAt && (point.step ? !!r.steps[point.step] : !!r.acts[point.act as string]);
        // poll the record: kill as soon as it shows the point (a polled condition, not a sleep)
        while (!ended && !hit(await record.read())) await new Promise((r) => setTimeout(r, 50));
        if (ended) throw new Error(`failback ended before ${JSON.stringify(point)}: ${stderr.slice(-2000)}`);
        child.kill("SIGKILL");
        expect(await exited).toBeNull();
        killed.push(point.step ?? (point.act as string));
      }
      const last = await runCapture([
        ...base(),
        "-o",
        "json",
        "failback",
        "--local",
        "--state-dir",
        stateDir,
        "--yes",
        "--accept-data-loss",
      ]);
      expect(last.code, last.stderr.slice(-3000)).toBe(ExitCode.ok);
    } finally {
      await load.stop();
      sampling = false;
      await sampler;
    }
    expect(killed).toEqual(KILL_AT.map((p) => p.step ?? p.act));

    // the record closed, with every step done once
    const final = await record.read();
    expect(final?.closedAt).toBeDefined();
    // no identifier renamed twice: one kept old primary in P, one retired B, both of the record's stamp
    const ids = async (region: string) =>
      (await new RDSClient({ region }).send(new DescribeDBInstancesCommand({}))).DBInstances?.map(
        (d) => d.DBInstanceIdentifier ?? "",
      ) ?? [];
    // this deployment's instances only: the other test files' deployments share the emulator
    const fenced = (await ids(config.primary.region)).filter((id) =>
      id.startsWith(`${config.primary.db.instanceId}-fenced-`),
    );
    const retired = (await ids(config.backup.region)).filter((id) =>
      id.startsWith(`${config.backup.db.instanceId}-retired-`),
    );
    expect(fenced).toEqual([final?.acts["rename-primary"]?.to]);
    expect(retired).toEqual([final?.acts["rename-backup"]?.to]);
    // at most one writable primary at every sampled moment, and P the one at the end
    expect(samples.filter((s) => s.writable.length > 1)).toEqual([]);
    expect(samples.at(-1)?.writable).toEqual(["P"]);
    // every acknowledged write (the drill's load is the drill's test; this one's here) on the final primary
    const answer = await localDns(clients, config, currentStack() ?? stack)();
    expect(answer.app.side).toBe("primary");
    const acked: AckedWrite[] = load.ledger;
    expect(acked.length).toBeGreaterThan(0);
    expect((await verifyLedger(answer.app.url, acked)).missing).toEqual([]);
  }, 420_000);
});

// The drill interrupted (issue 19, Build item 3): its own deployment and stack, since the failback
// test above leaves its stack running. The kill points are the drill's record (`#drill-op`) and
// the lock item, polled.
describe("interrupt anywhere: the local drill interrupted", () => {
  const drillDeployment = `id${Date.now().toString(36)}`;
  const drillState = join(dir, "drill-local");
  let drillConfig: DeploymentConfig;
  const drillBase = () => ["--region", drillConfig.backup.region, "--deployment", drillDeployment];
  beforeAll(async () => {
    ({ config: drillConfig } = await createDeployment({ deployment: drillDeployment }));
  });
  afterAll(async () => {
    await stopStack(drillState);
  });

  it("SIGINT after P failed, before the incident opened: P serves again, the drill record removed, the record closed, no promotion", async () => {
    const dynamoDb = new DynamoDBClient({ region: drillConfig.backup.region });
    const record = dynamoDbOperationRecordPort(
      dynamoDb,
      drillConfig.failover.lockTableName,
      drillDeployment,
      DRILL_OPERATION,
    );
    const child = cliProcess([...drillBase(), "drill", "--local", "--yes", "--state-dir", drillState]);
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    let ended = false;
    void exited.then(() => {
      ended = true;
    });
    // the kill point: the drill recorded that it fails P (its app stopped), before any alarm
    const failing = (r: OperationRecord | undefined) => !!r && !r.closedAt && !!r.acts["stop-primary-app"];
    while (!ended && !failing(await record.read())) await new Promise((r) => setTimeout(r, 20));
    if (ended) throw new Error(`the drill ended before it failed P: ${stderr.slice(-2000)}`);
    child.kill("SIGINT");
    expect(await exited, stderr.slice(-3000)).toBe(ExitCode.aborted);
    expect(stderr).toContain("no incident opened");

    const final = await record.read();
    expect(final?.closedAt).toBeDefined();
    expect(Object.keys(final?.steps ?? {})).toContain("end");
    // the guard's drill record gone, no incident, B still a replica of P (never promoted)
    const lockItem = await dynamoDbLockPort(dynamoDb, drillConfig.failover.lockTableName).read(
      drillDeployment,
    );
    expect(["armed", "unarmed"]).toContain(lockItem?.state ?? "unarmed");
    expect(
      await dynamoDbDrillRecordPort(dynamoDb, drillConfig.failover.lockTableName, drillDeployment).read(),
    ).toBeUndefined();
    const b = await new RDSClient({ region: drillConfig.backup.region }).send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: drillConfig.backup.db.instanceId }),
    );
    expect(b.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeDefined();
    // P's app serves writes again, and DNS answers P
    const stack = loadStack(drillState);
    if (!stack) throw new Error("the drill left no local stack");
    expect(await appHealthy(stack.apps.primary)).toBe(true);
    expect((await localDns(new Clients(), drillConfig, stack)()).app.side).toBe("primary");
    await stopStack(drillState);
  }, 180_000);

  // after the incident opened the drill leaves P failed: the failover has to finish. Each signal
  // on a deployment of its own (a completed incident refuses the next drill until a failback).
  it.each(["SIGINT", "SIGKILL"] as const)(
    "%s after the incident opened: the failover finishes, B serves every acknowledged write, at most one writable primary, the record closed",
    async (signal) => {
      const name = `i${signal === "SIGINT" ? "n" : "k"}${Date.now().toString(36)}`;
      const { config: c } = await createDeployment({ deployment: name });
      const state = join(dir, `drill-${name}`);
      const args = ["--region", c.backup.region, "--deployment", name];
      const dynamoDb = new DynamoDBClient({ region: c.backup.region });
      const record = dynamoDbOperationRecordPort(dynamoDb, c.failover.lockTableName, name, DRILL_OPERATION);
      const lock = dynamoDbLockPort(dynamoDb, c.failover.lockTableName);
      const clients = new Clients();
      const child = cliProcess([...args, "drill", "--local", "--yes", "--state-dir", state]);
      let stderr = "";
      child.stderr?.on("data", (d) => {
        stderr += String(d);
      });
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      let ended = false;
      void exited.then(() => {
        ended = true;
      });
      try {
        // the app under load and sampled from the moment the drill's stack serves
        while (!ended && !currentStackIn(state)) await new Promise((r) => setTimeout(r, 50));
        // the stack's file is rewritten as its apps start: read it until P's app answers
        const serving = async () => {
          const now = currentStackIn(state);
          return now && (await appHealthy(now.apps.primary).catch(() => false)) ? now : undefined;
        };
        let up = await serving();
        while (!ended && !up) {
          await new Promise((r) => setTimeout(r, 50));
          up = await serving();
        }
        if (!up) throw new Error(`the drill's stack never served: ${stderr.slice(-2000)}`);
        const stack = up;
        const dns = () => localDns(clients, c, currentStackIn(state) ?? stack)();
        const load = startLoad(
          async () => {
            const a = await dns();
            return { side: a.app.side, url: a.app.url };
          },
          { tag: `interrupt-${name}` },
        );
        let sampling = true;
        const samples: { at: number; writable: string[] }[] = [];
        const sampler = (async () => {
          while (sampling) {
            const now = currentStackIn(state) ?? stack;
            const [p, b] = await Promise.all([
              appHealthy(now.apps.primary).catch(() => false),
              appHealthy(now.apps.backup).catch(() => false),
            ]);
            samples.push({ at: Date.now(), writable: [...(p ? ["P"] : []), ...(b ? ["B"] : [])] });
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        try {
          // the kill point: the lock item shows the incident opened
          // SIGKILL waits for the incident to complete: the harness runs the failover handler inside
          // the drill's process, so an earlier SIGKILL kills "the Lambda" too (on AWS it runs on
          // without the CLI) and its claim holds the incident until LEASE_MS passes
          const opened = async () => {
            const state = (await lock.read(name))?.state ?? "unarmed";
            return signal === "SIGINT" ? !["armed", "unarmed"].includes(state) : state === "completed";
          };
          while (!ended && !(await opened())) await new Promise((r) => setTimeout(r, 20));
          if (ended) throw new Error(`the drill ended before the incident opened: ${stderr.slice(-2000)}`);
          child.kill(signal);
          const code = await exited;
          if (signal === "SIGINT") {
            expect(code, stderr.slice(-3000)).toBe(ExitCode.aborted);
            expect(stderr).toContain("The failover now has to finish");
          } else {
            expect(code).toBeNull();
            // the killed drill's record is open: drill --abort ends it from the record
            expect((await record.read())?.closedAt).toBeUndefined();
            const abort = await runCapture([...args, "drill", "--local", "--abort", "--state-dir", state]);
            expect(abort.code, abort.stderr.slice(-3000)).toBe(ExitCode.ok);
            expect(abort.stderr).toContain("The failover now has to finish");
          }
          // the failover finishes: the harness plays the data side of the promotion if the drill
          // did not, and the re-evaluation schedule resumes the incident until it completes
          const harness = clients.forLocalHarness();
          if (await inRecovery(stack.creds, stack.db.backup)) await playPromotion(harness, c, stack, 60_000);
          const handler = resolve("dist/functions/failover/index.mjs");
          for (let i = 0; i < 20 && (await lock.read(name))?.state !== "completed"; i++) {
            await invokeHandler(c, "failover", handler, reevaluationEvent(c));
          }
          expect((await lock.read(name))?.state).toBe("completed");
          // B serves through the DNS name
          while ((await dns()).app.side !== "backup") await new Promise((r) => setTimeout(r, 100));
          expect(await appHealthy(stack.apps.backup)).toBe(true);
        } finally {
          await load.stop();
          sampling = false;
          await sampler;
        }
        const final = await record.read();
        expect(final?.closedAt).toBeDefined();
        expect(
          await dynamoDbDrillRecordPort(dynamoDb, c.failover.lockTableName, name).read(),
        ).toBeUndefined();
        expect(samples.filter((s) => s.writable.length > 1)).toEqual([]);
        expect(samples.at(-1)?.writable).toEqual(["B"]);
        expect(load.ledger.length).toBeGreaterThan(0);
        expect((await verifyLedger((await dns()).app.url, load.ledger)).missing).toEqual([]);
      } finally {
        if (!ended) child.kill("SIGKILL");
        await stopStack(state);
      }
    },
    180_000,
  );
});
