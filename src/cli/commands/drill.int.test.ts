import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeployment } from "../../../test/fixtures/deployment.js";
import { runCapture } from "../../../test/support/cli-run.js";
import type { DeploymentConfig } from "../../core/config.js";
import { stopStack } from "../../local/stack.js";
import { ExitCode } from "../exit-codes.js";

// The local drill and failback end to end on a deployment the fixture builds in the emulator
// (scripts/demo does the same on the real Terraform example). Needs the bundles (scripts/build.mjs).
const deployment = `dr${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), "pl-drill-"));
const stateDir = join(dir, "local");
let config: DeploymentConfig;
const base = () => ["--region", config.backup.region, "--deployment", deployment];

describe("pilotlight drill --local and failback --local", () => {
  beforeAll(async () => {
    ({ config } = await createDeployment({ deployment }));
  });
  afterAll(async () => {
    await stopStack(stateDir);
  });

  it("refuses --local unless the SDK is aimed at a loopback emulator", async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;
    try {
      const run = await runCapture([...base(), "drill", "--local", "--yes"]);
      expect(run.code).toBe(ExitCode.usage);
      expect(run.stderr).toContain("scripts/emulator env");
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it("asks before it starts, and without a terminal or --yes changes nothing", async () => {
    const run = await runCapture([...base(), "drill", "--local", "--state-dir", stateDir]);
    expect(run.code).toBe(ExitCode.aborted);
    expect(existsSync(join(stateDir, "stack.json"))).toBe(false);
  });

  it("failback refuses when there is no failover to come back from", async () => {
    const run = await runCapture([...base(), "failback", "--yes"]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stderr).toContain("no completed failover to fail back from");
  });

  it("drills: fails over through the real handler, keeps every acknowledged write, writes the report", async () => {
    const reportDir = join(dir, "report");
    const run = await runCapture([
      ...base(),
      "-o",
      "json",
      "drill",
      "--local",
      "--yes",
      "--state-dir",
      stateDir,
      "--report-dir",
      reportDir,
    ]);
    const report = JSON.parse(run.stdout);
    const unmet = report.expectations.filter((e: { ok: boolean }) => !e.ok);
    expect(unmet).toEqual([]);
    expect(run.code).toBe(ExitCode.ok);
    expect(report.milestones.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining([
        "alarm in ALARM",
        "failover function invoked",
        "promotion finished",
        "DNS answering B",
      ]),
    );
    expect(report.rpo.missing).toEqual([]);
    expect(report.rpo.writesAckedBeforeFailure).toBeGreaterThan(0);
    expect(readFileSync(join(reportDir, "report.md"), "utf8")).toContain("## Timeline");
    expect(run.stderr).toContain("FAILURE injected");

    const status = JSON.parse((await runCapture([...base(), "-o", "json", "status"])).stdout);
    expect(status.dns.value.role).toBe("SECONDARY");
    expect(status.latch.value).toMatchObject({ set: true, record: { deployment } });
  });

  it("failback says so when P does not answer", async () => {
    const run = await runCapture([...base(), "failback", "--local", "--state-dir", stateDir, "--yes"], {
      clientOptions: {
        endpointFor: (r) => (r === config.primary.region ? "http://127.0.0.1:1" : undefined),
        connectionTimeoutMs: 500,
        maxAttempts: 1,
      },
    });
    expect(run.code).toBe(ExitCode.primaryUnknown);
    expect(run.stderr).toContain("failback needs P healthy");
  });

  it("failback --dry-run prints the plan and changes nothing", async () => {
    const run = await runCapture([...base(), "failback", "--local", "--state-dir", stateDir, "--dry-run"]);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain("planned switchover with zero data loss");
    expect(run.stdout).toContain("check: incident");
  });

  it("failback asks before the first destructive step", async () => {
    const run = await runCapture([...base(), "failback", "--local", "--state-dir", stateDir], {
      answers: [false],
    });
    expect(run.code).toBe(ExitCode.aborted);
    expect(run.stderr).toContain('Step "fence the old primary"');
  });

  it("failback stopped at the switchover's question keeps its progress: nothing of P is promoted yet", async () => {
    // yes to the fence and to the reverse replication, the deployment's name typed for P's
    // rename (not answered by --yes, issue 19 #9), no to the switchover
    const run = await runCapture([...base(), "failback", "--local", "--state-dir", stateDir], {
      answers: [true, true, false],
      typed: [deployment],
    });
    expect(run.code).toBe(ExitCode.aborted);
    expect(run.stderr).toContain('Step "planned switchover with zero data loss"');
    const status = JSON.parse((await runCapture([...base(), "-o", "json", "status"])).stdout);
    expect(status.primary.database.value.role).toBe("replica");
  });

  it("fails back with --yes: resumes after the recorded steps; P serves again, B replicates again, no acknowledged write lost", async () => {
    const run = await runCapture([
      ...base(),
      "-o",
      "json",
      "failback",
      "--local",
      "--state-dir",
      stateDir,
      "--yes",
    ]);
    const out = JSON.parse(run.stdout);
    expect(out.expectations.filter((e: { ok: boolean }) => !e.ok)).toEqual([]);
    expect(run.code).toBe(ExitCode.ok);
    // the earlier run's four steps are not repeated, and its stamp names what it kept
    const steps = out.steps as { id: string; outcome: string; detail: string }[];
    for (const s of steps.slice(0, 4))
      expect(s.detail).toMatch(/^recorded (done|skipped) .* by an earlier run/);
    for (const s of steps.slice(4)) expect(s.detail).not.toMatch(/^recorded/);
    expect(steps[1]?.detail).toContain(out.kept.snapshot.id);
    expect(out.load.missing).toEqual([]);
    const status = JSON.parse((await runCapture([...base(), "-o", "json", "status"])).stdout);
    expect(status.dns.value.role).toBe("PRIMARY");
    expect(status.latch.value.set).toBe(false);
    expect(status.healthCheck.value).toMatchObject({ inverted: false, primaryHealthy: true });
    expect(status.backup.database.value.role).toBe("replica");
    expect(status.lastFailover.value.state).toBe("unarmed");
  });
});
