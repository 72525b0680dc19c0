// IAM contract of the demo (scripts/demo): evaluates every AWS call the programs made against the
// IAM policies Terraform created for them, as its state records them (`terraform show -json`), with
// attached managed policies read back from the emulator. Prints the table; exits 1 on a denied call,
// an unexplained unused grant of a function or the instances, or a program that made no call.
// usage: tsx test/iam/demo-contract.ts <call-log.jsonl> <state.json>
import { readFileSync } from "node:fs";
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient } from "@aws-sdk/client-iam";
import type { CallingProgram } from "../../src/aws/call-recorder.js";
import { GRANTS } from "../../src/core/permissions/index.js";
import { readCallLog } from "./call-log.js";
import {
  type ContractResult,
  contractReport,
  evaluateContract,
  type PolicyDocument,
  type ProgramPolicy,
} from "./evaluate.js";

interface StateResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}
interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}
interface State {
  values: { outputs: Record<string, { value: unknown }>; root_module: StateModule };
}

const flatten = (m: StateModule): StateResource[] => [
  ...(m.resources ?? []),
  ...(m.child_modules ?? []).flatMap(flatten),
];

const whys = (program: CallingProgram) =>
  Object.fromEntries(GRANTS[program].filter((g) => g.why).map((g) => [g.sid, g.why as string]));

/** The policies of one role of the state: inline (aws_iam_role_policy) and attached (read from IAM). */
async function rolePolicies(resources: StateResource[], roleName: string, iam: IAMClient) {
  const policies: ProgramPolicy["policies"] = [];
  for (const r of resources) {
    if (r.type === "aws_iam_role_policy" && r.values.role === roleName) {
      policies.push({
        name: String(r.values.name),
        document: JSON.parse(String(r.values.policy)) as PolicyDocument,
      });
    }
    if (r.type === "aws_iam_role_policy_attachment" && r.values.role === roleName) {
      const arn = String(r.values.policy_arn);
      const p = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      const v = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.Policy?.DefaultVersionId }),
      );
      policies.push({
        name: arn,
        document: JSON.parse(decodeURIComponent(v.PolicyVersion?.Document ?? "{}")),
      });
    }
  }
  return policies;
}

async function main(logFile: string, stateFile: string): Promise<number> {
  const calls = readCallLog(logFile);
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as State;
  const resources = flatten(state.values.root_module);
  const iam = new IAMClient({ region: "us-east-1" });
  const role = (suffix: string) => {
    const r = resources.find((x) => x.type === "aws_iam_role" && x.address.endsWith(suffix));
    if (!r) throw new Error(`no ${suffix} in the state`);
    return { name: String(r.values.name), arn: String(r.values.arn) };
  };
  const groups = new Map(
    resources
      .filter((r) => r.type === "aws_autoscaling_group")
      .map((r) => [String(r.values.name), String(r.values.arn)]),
  );
  const account = role("module.failover.aws_iam_role.this").arn.split(":")[4] ?? "";
  const scope = { partition: "aws", account, autoScalingGroupArn: (n: string) => groups.get(n) };

  const results: ContractResult[] = [];
  for (const program of ["failover", "readiness"] as const) {
    const r = role(`module.${program}.aws_iam_role.this`);
    const policy = {
      program,
      principalArn: r.arn,
      policies: await rolePolicies(resources, r.name, iam),
      whys: whys(program),
    };
    results.push(await evaluateContract(calls, policy, scope));
  }
  // One instance role per region: each region's app calls against its own region's role.
  const app: ContractResult[] = [];
  for (const side of ["app_primary", "app_backup"]) {
    const r = role(`module.${side}.aws_iam_role.instance`);
    const region = resources
      .filter((x) => x.address.includes(`module.${side}.`) && x.type === "aws_launch_template")
      .map((x) => String(x.values.arn).split(":")[3])[0];
    const mine = calls.filter((c) => c.program === "app" && c.region === region);
    const policy = {
      program: "app" as const,
      principalArn: r.arn,
      policies: await rolePolicies(resources, r.name, iam),
      whys: whys("app"),
    };
    app.push(await evaluateContract(mine, policy, scope));
  }
  results.push({
    program: "app",
    calls: app.reduce((n, r) => n + r.calls, 0),
    granted: [...new Set(app.flatMap((r) => r.granted))].sort(),
    used: [...new Set(app.flatMap((r) => r.used))].sort(),
    denied: app.flatMap((r) => r.denied),
    // a grant counts as used when either region's instances used it
    unused: app[0]?.unused.filter((u) => app.every((r) => r.unused.includes(u))) ?? [],
  });
  const operator = JSON.parse(String(state.values.outputs.operator_policy_json?.value)) as PolicyDocument;
  results.push(
    await evaluateContract(
      calls,
      {
        program: "cli",
        principalArn: `arn:aws:iam::${account}:role/pilotlight-operator`,
        policies: [{ name: "operator_policy_json", document: operator }],
        whys: whys("cli"),
      },
      scope,
    ),
  );
  console.log(contractReport(results));
  // The demo runs no approve (approval mode): an operator grant only approve uses is reported here
  // and held to account by the integration suite's contract, which runs approve.
  const unusedFails = (r: ContractResult) => r.program !== "cli" && r.unused.length > 0;
  return results.every((r) => r.calls > 0 && r.denied.length === 0 && !unusedFails(r)) ? 0 : 1;
}

const [logFile, stateFile] = process.argv.slice(2);
if (!logFile || !stateFile) {
  console.error("usage: tsx test/iam/demo-contract.ts <call-log.jsonl> <state.json>");
  process.exit(2);
}
main(logFile, stateFile).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`${err.name}: ${err.message}`);
    process.exit(1);
  },
);
