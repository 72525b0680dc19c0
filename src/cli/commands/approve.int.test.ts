import { beforeAll, describe, expect, it } from "vitest";
import { createDeployment } from "../../../test/fixtures/deployment.js";
import { runCapture } from "../../../test/support/cli-run.js";
import type { DeploymentConfig } from "../../core/config.js";
import { runFailover } from "../../functions/failover/sequence.js";
import { createFailoverPorts } from "../../functions/shared/aws-ports.js";
import type { LockRecord, StepRecord } from "../../functions/shared/lock-record.js";
import { DOWN_ENDPOINT_REPORT, setCheckerReport } from "../../local/emulator-control.js";
import { ExitCode } from "../exit-codes.js";

const deployment = `ap${Date.now().toString(36)}`;
let config: DeploymentConfig;
const base = () => ["--region", config.backup.region, "--deployment", deployment];

describe("pilotlight readiness and approve", () => {
  beforeAll(async () => {
    ({ config } = await createDeployment({ deployment, mode: "approval" }));
  });

  it("readiness prints every check with its verdict and fix, arms the deployment, and exits 1 when a check fails", async () => {
    const run = await runCapture([...base(), "readiness"]);
    expect(run.stdout).toMatch(/replica-exists\s+ok/);
    // the fixture creates no failover function: that check fails and says how to fix it
    expect(run.stdout).toContain("FAIL");
    expect(run.stdout).toContain("NOT READY");
    expect(run.code).toBe(ExitCode.failed);
    const record = await createFailoverPorts(config).lock.read(deployment);
    expect(record?.state).toBe("armed");
  });

  it("approve refuses without a terminal or --yes", async () => {
    const run = await runCapture([...base(), "approve"]);
    expect(run.code).toBe(ExitCode.aborted);
    expect(run.stderr).toContain("--yes");
  });

  it("approve --force is not answered by --yes (issue 19 #9): without a terminal it refuses naming --accept-data-loss, a mistyped name refuses, and nothing opens", async () => {
    const yes = await runCapture([...base(), "approve", "--force", "--yes"]);
    expect(yes.code).toBe(ExitCode.aborted);
    expect(yes.stderr).toContain("--yes does not answer");
    expect(yes.stderr).toContain("--accept-data-loss");
    const typo = await runCapture([...base(), "approve", "--force"], { typed: [`${deployment}x`] });
    expect(typo.code).toBe(ExitCode.aborted);
    expect((await createFailoverPorts(config).lock.read(deployment))?.state).toBe("armed");
  });

  it("approve executes the pending incident of approval mode through the failover sequence", async () => {
    const ports = createFailoverPorts(config);
    // the alarm path in approval mode, during a drill (its record, then P failing as Route 53's
    // checkers report it, played): the sequence opens the incident and waits for approval
    await ports.signals.drill.write({
      deployment,
      startedAt: new Date().toISOString(),
      by: "test",
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    await setCheckerReport(
      process.env.AWS_ENDPOINT_URL ?? "",
      config.dns.healthCheckId,
      DOWN_ENDPOINT_REPORT,
    );
    const pending = await runFailover(ports, config, {
      source: "alarm",
      alarmName: config.dns.alarm.name,
      alarmTime: new Date().toISOString(),
      messageId: "m-1",
    });
    expect(pending.outcome).toBe("pending-approval");

    // issue 19 #5: P healthy again as Route 53's checkers see it: approve asks the guard again and refuses
    await setCheckerReport(process.env.AWS_ENDPOINT_URL ?? "", config.dns.healthCheckId, null);
    const stale = await runCapture([...base(), "approve", "--yes"]);
    expect(stale.code).toBe(ExitCode.failed);
    expect(stale.stderr).toContain("the guard no longer confirms P is down");
    expect((await ports.lock.read(deployment))?.state).toBe("pending-approval");
    await setCheckerReport(
      process.env.AWS_ENDPOINT_URL ?? "",
      config.dns.healthCheckId,
      DOWN_ENDPOINT_REPORT,
    );

    const run = await runCapture([...base(), "approve"], { answers: [true] });
    expect(run.stderr).toContain("awaits approval");
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toMatch(/outcome\s+completed/);
    expect(run.stdout).toMatch(/promote\s+done/);
    const record = await ports.lock.read(deployment);
    expect(record?.state).toBe("completed");
    expect(record?.trigger?.by).toBeTruthy();

    const again = await runCapture([...base(), "approve", "--yes"]);
    expect(again.code).toBe(ExitCode.failed);
    expect(again.stderr).toContain("nothing to approve");
  });

  it("approve refuses an in-progress incident under a live lease, and takes it over once the lease expired", async () => {
    // Prepare: the incident of the previous test, as a function that timed out mid-way leaves it
    const ports = createFailoverPorts(config);
    const completed = (await ports.lock.read(deployment)) as LockRecord;
    const { completedAt: _done, ...rest } = completed;
    const held: LockRecord = {
      ...rest,
      state: "in-progress",
      leaseUntil: new Date(Date.now() + 60_000).toISOString(),
      timeline: { promote: completed.timeline?.promote as StepRecord },
    };
    expect((await ports.lock.transition(held, completed)).won).toBe(true);

    // Act: while the lease runs
    const refused = await runCapture([...base(), "approve", "--yes"]);

    // Assess
    expect(refused.code).toBe(ExitCode.failed);
    expect(refused.stderr).toContain("live lease");
    expect((await ports.lock.read(deployment))?.state).toBe("in-progress");

    // Act: after the lease expired (the holder died)
    const expired: LockRecord = { ...held, leaseUntil: new Date(Date.now() - 1_000).toISOString() };
    expect((await ports.lock.transition(expired, held)).won).toBe(true);
    const takeover = await runCapture([...base(), "approve", "--yes"]);

    // Assess
    expect(takeover.stderr).toContain("lease expired");
    expect(takeover.code).toBe(ExitCode.ok);
    const record = await ports.lock.read(deployment);
    expect(record).toMatchObject({ state: "completed", attempts: held.attempts + 1 });
  });
});
