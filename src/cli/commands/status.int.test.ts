import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createDeployment } from "../../../test/fixtures/deployment.js";
import { runCapture } from "../../../test/support/cli-run.js";
import type { DeploymentConfig } from "../../core/config.js";
import { ExitCode } from "../exit-codes.js";

const deployment = `st${Date.now().toString(36)}`;
let config: DeploymentConfig;
const base = () => ["--region", config.backup.region, "--deployment", deployment];
const DEAD = "http://127.0.0.1:1";

describe("pilotlight status", () => {
  beforeAll(async () => {
    ({ config } = await createDeployment({ deployment }));
  });

  it("shows both regions, the health check, the DNS answer and exits 0", async () => {
    const run = await runCapture([...base(), "status"]);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain(`primary ${config.primary.region}`);
    expect(run.stdout).toMatch(/database\s+primary \(standalone\), available\s+replica of arn:aws:rds/);
    expect(run.stdout).toContain(`-> PRIMARY ${config.primary.alb.dnsName}`);
    expect(run.stdout).toMatch(/last failover\s+none/);
  });

  it("prints JSON for scripts with --output json", async () => {
    const run = await runCapture([...base(), "--output", "json", "status"]);
    const data = JSON.parse(run.stdout);
    expect(data.primary.database.value.role).toBe("primary");
    expect(data.backup.database.value.role).toBe("replica");
    expect(data.backup.capacity.value.desired).toBe(0);
    expect(data.latch.value).toEqual({
      location: `s3://${config.dns.latch.bucket}/${config.dns.latch.key}`,
      set: false,
    });
    expect(data.healthCheck.value.primaryHealthy).toBe(true);
    expect(data.dns.value.role).toBe("PRIMARY");
  });

  it("shows an unreachable primary region as unknown, keeps the backup, and exits 4", async () => {
    const run = await runCapture([...base(), "status"], {
      clientOptions: {
        endpointFor: (r) => (r === config.primary.region ? DEAD : undefined),
        connectionTimeoutMs: 500,
        maxAttempts: 1,
      },
    });
    expect(run.code).toBe(ExitCode.primaryUnknown);
    expect(run.stdout).toMatch(/database\s+unknown\s+replica of/);
    expect(run.stdout).toContain(`primary region ${config.primary.region} did not answer`);
  });

  it("exits 5 when the backup region does not answer (document from a saved copy)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "pl-status-")), "config.json");
    writeFileSync(file, JSON.stringify(config));
    const run = await runCapture(["--config-file", file, "status"], {
      clientOptions: {
        endpointFor: (r) => (r === config.backup.region ? DEAD : undefined),
        connectionTimeoutMs: 500,
        maxAttempts: 1,
      },
    });
    expect(run.code).toBe(ExitCode.backupUnknown);
    expect(run.stdout).toMatch(/database\s+primary \(standalone\), available\s+unknown/);
  });

  it("says what to do when terraform output cannot be read", async () => {
    const run = await runCapture(["--from-terraform", "/nonexistent", "status"]);
    expect(run.code).toBe(ExitCode.config);
    expect(run.stderr).toContain("Run terraform apply there first");
  });

  it("says what to do when there is no config document in the region", async () => {
    const run = await runCapture(["--region", config.primary.region, "--deployment", deployment, "status"]);
    expect(run.code).toBe(ExitCode.config);
    expect(run.stderr).toContain("that --region is the backup region");
  });

  it("says what to do without credentials", async () => {
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_SESSION_TOKEN;
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent";
    process.env.AWS_CONFIG_FILE = "/nonexistent";
    try {
      const run = await runCapture([...base(), "status"]);
      expect(run.code).toBe(ExitCode.config);
      expect(run.stderr).toContain("no usable AWS credentials");
      expect(run.stderr).toContain("AWS_PROFILE");
    } finally {
      process.env = saved;
    }
  });
});
