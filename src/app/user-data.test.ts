import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
  asg_name: "pilotlight-backup-app",
  hook_name: "app-ready",
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

/** The launch-hook script the user data installs, rendered, in a directory with stub commands. */
function hookSandbox() {
  const dir = mkdtempSync(join(tmpdir(), "pl-launch-hook-"));
  const script = render(TEMPLATE, VARIABLES);
  const hook = /<<'HOOK'\n([\s\S]*?)\nHOOK\n/.exec(script)?.[1];
  if (!hook) throw new Error("the user data installs no launch-hook script (heredoc HOOK)");
  const stub = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  stub("launch-hook", hook);
  // IMDSv2 (token, instance id, target lifecycle state) and the app's /healthz, as the env says.
  stub(
    "curl",
    `echo "$*" >>"$STUB_DIR/curl.log"
case "$*" in
*api/token*) echo TOKEN ;;
*meta-data/instance-id*) [ "$*" != "\${*/TOKEN/}" ] && echo i-0123456789abcdef0 ;;
*autoscaling/target-lifecycle-state*) [ -n "$STUB_TARGET" ] && echo "$STUB_TARGET" || exit 22 ;;
*/healthz*) [ "$STUB_HEALTHY" = 1 ] || exit 7 ;;
*) exit 22 ;;
esac`,
  );
  stub("aws", `echo "$*" >>"$STUB_DIR/aws.log"`);
  stub("sleep", "true");
  const run = (target: string, healthy: boolean, ...args: string[]) => {
    const result = spawnSync("bash", [join(dir, "launch-hook"), ...args], {
      encoding: "utf8",
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        STUB_DIR: dir,
        STUB_TARGET: target,
        STUB_HEALTHY: healthy ? "1" : "0",
        STATE_DIRECTORY: join(dir, "state"),
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const log = (name: string) => {
    try {
      return readFileSync(join(dir, name), "utf8").trim().split("\n");
    } catch {
      return [];
    }
  };
  return { run, awsCalls: () => log("aws.log"), curlCalls: () => log("curl.log") };
}

// Amazon EC2 Auto Scaling User Guide, "Use lifecycle hooks with a warm pool": with an
// EC2_INSTANCE_LAUNCHING hook an instance waits at Warmed:Pending:Wait on its way into the warm pool
// and again at Pending:Wait when it leaves it; Auto Scaling does not wait for user data, and
// cloud-init runs user data on the first boot only. "Retrieve the target lifecycle state through
// instance metadata": autoscaling/target-lifecycle-state names the state the instance is heading to.
describe("launch hook", () => {
  const complete = (result: string) =>
    `autoscaling complete-lifecycle-action --region eu-central-1 --auto-scaling-group-name pilotlight-backup-app --lifecycle-hook-name app-ready --instance-id i-0123456789abcdef0 --lifecycle-action-result ${result}`;

  it("completes with CONTINUE once the app answers, into the warm pool and again out of it", () => {
    const hook = hookSandbox();

    const intoPool = hook.run("Warmed:Stopped", true);
    expect(intoPool.status).toBe(0);
    expect(hook.awsCalls()).toEqual([complete("CONTINUE")]);
    expect(hook.curlCalls().some((c) => c.includes("http://127.0.0.1:8080/healthz"))).toBe(true);

    // The instance leaves the pool: a second boot, a second wait at the hook.
    const outOfPool = hook.run("InService", true);
    expect(outOfPool.status).toBe(0);
    expect(hook.awsCalls()).toEqual([complete("CONTINUE"), complete("CONTINUE")]);

    // A reboot in service: the action was completed for InService already.
    const reboot = hook.run("InService", true);
    expect(reboot.status).toBe(0);
    expect(hook.awsCalls()).toHaveLength(2);
  });

  it("abandons the launch when the app never answers", () => {
    const hook = hookSandbox();
    const result = hook.run("InService", false);
    expect(result.status).toBe(1);
    expect(hook.awsCalls()).toEqual([complete("ABANDON")]);
    expect(hook.curlCalls().filter((c) => c.includes("/healthz"))).toHaveLength(40);
  });

  it("abandons at once when the user data failed (called with ABANDON)", () => {
    const hook = hookSandbox();
    const result = hook.run("Warmed:Stopped", true, "ABANDON");
    expect(result.status).toBe(1);
    expect(hook.awsCalls()).toEqual([complete("ABANDON")]);
    expect(hook.curlCalls().filter((c) => c.includes("/healthz"))).toHaveLength(0);
  });

  it("completes nothing outside an Auto Scaling launch", () => {
    const hook = hookSandbox();
    expect(hook.run("", true).status).toBe(0);
    expect(hook.run("Detached", true).status).toBe(0);
    expect(hook.awsCalls()).toEqual([]);
  });

  it("is run by the user data on failure and by a unit on every boot", () => {
    const script = render(TEMPLATE, VARIABLES);
    const trap = script.indexOf("trap '/usr/local/libexec/pilotlight-launch-hook ABANDON' ERR");
    expect(trap).toBeGreaterThan(-1);
    expect(trap).toBeLessThan(script.indexOf("retry dnf install"));
    const unit = /pilotlight-launch-hook\.service <<'UNIT'\n([\s\S]*?)\nUNIT\n/.exec(script)?.[1] ?? "";
    expect(unit).toMatch(/^After=.*pilotlight-app\.service/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/libexec\/pilotlight-launch-hook$/m);
    expect(unit).toMatch(/^WantedBy=multi-user\.target$/m);
    expect(script).toContain("systemctl enable pilotlight-launch-hook.service");
  });
});
