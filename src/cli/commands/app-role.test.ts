import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { awsError } from "../../../test/fixtures/aws-error.js";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { runCapture } from "../../../test/support/cli-run.js";

const rds = mockClient(RDSClient);

function configFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "pilotlight-app-role-")), "config.json");
  writeFileSync(file, JSON.stringify(exampleConfig()));
  return file;
}

describe("app-role command", () => {
  afterEach(() => rds.reset());

  it("refuses an --on that names no region role, and a malformed --db-host, before reading anything", async () => {
    const on = await runCapture(["app-role", "--on", "sideways", "--config-file", "/nonexistent.json"]);
    expect(on.code).toBe(2);
    expect(on.stderr).toContain('--on "sideways": expected primary or backup');

    const host = await runCapture(["app-role", "--db-host", "a b:1", "--config-file", "/nonexistent.json"]);
    expect(host.code).toBe(2);
    expect(host.stderr).toContain("--db-host");
  });

  it("says so when the writer has no endpoint (DescribeDBInstances answers DBInstanceNotFound)", async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .rejects(
        awsError("DBInstanceNotFoundFault", "DBInstance demo-replica not found.", { httpStatusCode: 404 }),
      );

    const run = await runCapture(["--config-file", configFile(), "app-role", "--on", "backup"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/demo-replica in eu-central-1 has no endpoint yet \(missing\)/);
  });
});
