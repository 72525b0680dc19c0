import { runSimulation } from "@cloud-copilot/iam-simulate";
import { type ArnScope, requestContext, resourceArns } from "../../src/aws/call-arns.js";
import type { CallingProgram, RecordedCall } from "../../src/aws/call-recorder.js";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** A program's identity as the contract evaluates it: its policies, and why each call-less grant exists. */
export interface ProgramPolicy {
  program: CallingProgram;
  /** The role (or, for the operator, the user) the policies are attached to. */
  principalArn: string;
  policies: { name: string; document: PolicyDocument }[];
  /** Per statement Sid, the path that needs the grant although no recorded call uses it (permissions.json `why`). */
  whys: Readonly<Record<string, string>>;
}

export interface Denial {
  action: string;
  resource: string;
  region: string;
  result: string;
}

export interface ContractResult {
  program: CallingProgram;
  calls: number;
  granted: string[];
  used: string[];
  denied: Denial[];
  /** Granted actions no recorded call used and no `why` explains, as `Sid: action`. */
  unused: string[];
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

// AWS's public parameters have an account-less ARN (arn:aws:ssm:<region>::parameter/aws/service/...,
// as AWS's SSM docs write them in policies); the simulator's resource-type match needs an account
// field, so both sides get the same placeholder account.
const PUBLIC_PARAMETER = /^(arn:[^:]+:ssm:[^:]*)::parameter\/aws\/service\//;
const PUBLIC_ACCOUNT = "000000000000";
const withPublicAccount = (arn: string) =>
  arn.replace(PUBLIC_PARAMETER, `$1:${PUBLIC_ACCOUNT}:parameter/aws/service/`);

function normalized(doc: PolicyDocument): PolicyDocument {
  return {
    ...doc,
    Statement: doc.Statement.map((s) => ({ ...s, Resource: list(s.Resource).map(withPublicAccount) })),
  };
}

/**
 * Evaluates every recorded call of one program against its policies with a real IAM policy
 * evaluator (@cloud-copilot/iam-simulate): a call the policies do not allow is a denial; a granted
 * action no call used is unused unless its statement's Sid has a `why`.
 */
export async function evaluateContract(
  calls: readonly RecordedCall[],
  policy: ProgramPolicy,
  scope: Omit<ArnScope, "region">,
): Promise<ContractResult> {
  const mine = calls.filter((c) => c.program === policy.program);
  const identityPolicies = policy.policies.map((p) => ({ name: p.name, policy: normalized(p.document) }));
  const denied: Denial[] = [];
  const used = new Set<string>();
  const seen = new Set<string>();
  for (const call of mine) {
    for (const arn of resourceArns(call.action, call.resource, { ...scope, region: call.region })) {
      const key = `${call.action} ${arn}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const resource = withPublicAccount(arn);
      const result = await runSimulation(
        {
          identityPolicies,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            principal: policy.principalArn,
            action: call.action,
            // the caller's own account: every resource here is the deployment's (or AWS's public
            // parameters, which any account reads with an identity policy alone)
            resource: { resource, accountId: scope.account },
            contextVariables: requestContext(call.action, call.resource),
          },
        },
        {},
      );
      const verdict =
        result.resultType === "error" ? `error: ${JSON.stringify(result.errors)}` : result.overallResult;
      if (verdict === "Allowed") used.add(call.action);
      else denied.push({ action: call.action, resource: arn, region: call.region, result: verdict });
    }
  }
  const granted = new Set<string>();
  const unused: string[] = [];
  for (const p of policy.policies) {
    for (const s of p.document.Statement) {
      if (s.Effect !== "Allow") continue;
      for (const action of list(s.Action)) {
        granted.add(action);
        if (!used.has(action) && !(s.Sid && policy.whys[s.Sid])) unused.push(`${s.Sid ?? p.name}: ${action}`);
      }
    }
  }
  return {
    program: policy.program,
    calls: mine.length,
    granted: [...granted].sort(),
    used: [...used].sort(),
    denied,
    unused: [...new Set(unused)],
  };
}

/** The closing table: program, actions granted, actions used, calls recorded; then what failed. */
export function contractReport(results: readonly ContractResult[]): string {
  const lines = ["program    granted  used  calls  denied  unused"];
  for (const r of results) {
    lines.push(
      `${r.program.padEnd(10)} ${String(r.granted.length).padStart(7)} ${String(r.used.length).padStart(5)} ${String(r.calls).padStart(6)} ${String(r.denied.length).padStart(7)} ${String(r.unused.length).padStart(7)}`,
    );
  }
  for (const r of results) {
    for (const d of r.denied) lines.push(`DENIED  ${r.program}: ${d.action} on ${d.resource} (${d.result})`);
    for (const u of r.unused)
      lines.push(
        `UNUSED  ${r.program}: ${u} (no recorded call; a \`why\` in its permissions.json names the path that needs it)`,
      );
  }
  return lines.join("\n");
}
