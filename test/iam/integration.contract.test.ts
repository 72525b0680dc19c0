// IAM contract of the integration suite (vitest project "contract", run after "integration"): every
// AWS call the programs made there is evaluated against the policy Terraform renders from the same
// permissions.json, with a real IAM policy evaluator. A denied call fails; so does a granted action
// no call used, unless its grant names the path that needs it (`why`).
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { CallingProgram, RecordedCall } from "../../src/aws/call-recorder.js";
import { emulatorEnv } from "../../src/local/emulator.js";
import { INTEGRATION_CALL_LOG, INTEGRATION_ENDPOINT, readCallLog } from "./call-log.js";
import { groupArnOf, recordedDeployments, renderedPolicies } from "./deployment-policies.js";
import { type ContractResult, contractReport, evaluateContract } from "./evaluate.js";

const PROGRAMS: CallingProgram[] = ["failover", "readiness", "probe", "app", "cli"];

describe("IAM contract (integration suite)", () => {
  let calls: RecordedCall[];
  const results = new Map<CallingProgram, ContractResult>();

  beforeAll(async () => {
    if (!existsSync(INTEGRATION_CALL_LOG) || !existsSync(INTEGRATION_ENDPOINT)) {
      throw new Error(
        `no calls recorded at ${INTEGRATION_CALL_LOG}: run the contract after the integration suite (npx vitest run --project integration --project contract)`,
      );
    }
    // the integration run's emulator still runs (its teardown comes after every project)
    Object.assign(process.env, emulatorEnv(readFileSync(INTEGRATION_ENDPOINT, "utf8").trim()));
    calls = readCallLog(INTEGRATION_CALL_LOG);
    const deployments = await recordedDeployments(calls);
    const autoScalingGroupArn = groupArnOf(deployments);
    for (const policy of renderedPolicies(deployments)) {
      const account = policy.principalArn.split(":")[4] ?? "";
      results.set(
        policy.program,
        await evaluateContract(calls, policy, { partition: "aws", account, autoScalingGroupArn }),
      );
    }
    console.log(contractReport(PROGRAMS.map((p) => results.get(p) as ContractResult)));
  });

  it.each(PROGRAMS)("%s: made calls in the suite", (program) => {
    expect(results.get(program)?.calls).toBeGreaterThan(0);
  });

  it.each(PROGRAMS)("%s: every recorded call is allowed by its policy", (program) => {
    expect(results.get(program)?.denied).toEqual([]);
  });

  it.each(PROGRAMS)(
    "%s: every granted action is used by a call or names the path that needs it",
    (program) => {
      expect(results.get(program)?.unused).toEqual([]);
    },
  );
});
