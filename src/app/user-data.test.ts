import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The instance user data is a Terraform template (templatefile in the app module). Its contract:
// exactly these variables, and a valid bash script once rendered.
const TEMPLATE = readFileSync(
  join(import.meta.dirname, "../../terraform/modules/app/user-data.sh.tftpl"),
  "utf8",
);
const VARIABLES = {
  region: "eu-central-1",
  artifact_bucket: "pilotlight-artifacts-abc",
  artifact_key: "app/pilotlight-app.zip",
  db_host: "pilotlight.c1.eu-central-1.rds.amazonaws.com",
  db_port: "5432",
  db_name: "pilotlight",
  db_secret_arn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:pilotlight-db-AbCdEf",
  app_port: "8080",
  region_role: "backup",
};

/** templatefile's interpolation, for a template that uses no directives (checked below). */
function render(template: string, vars: Record<string, string>): string {
  return template.replace(/(\$?)\$\{([^}]*)\}/g, (match, escaped: string, name: string) =>
    escaped ? match.slice(1) : (vars[name] ?? `<<unknown ${name}>>`),
  );
}

describe("user data template", () => {
  it("uses exactly the variables the app module passes", () => {
    const used = new Set([...TEMPLATE.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(VARIABLES).sort());
    expect(TEMPLATE).not.toContain("%{");
  });

  it("renders to a valid bash script that configures and starts the app", () => {
    const script = render(TEMPLATE, VARIABLES);
    const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(script).toContain("PILOTLIGHT_REGION=eu-central-1\n");
    expect(script).toContain("PILOTLIGHT_REGION_ROLE=backup\n");
    expect(script).toContain(`PILOTLIGHT_DB_SECRET_ARN=${VARIABLES.db_secret_arn}\n`);
    expect(script).toContain("s3://pilotlight-artifacts-abc/app/pilotlight-app.zip");
    expect(script).toMatch(/^Restart=on-failure$/m);
    expect(script).toMatch(/^TimeoutStopSec=\d+$/m);
    expect(script).toContain("dnf install -y nodejs22");
  });
});
