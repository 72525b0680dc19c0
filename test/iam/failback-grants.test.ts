import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { operatorGrants } from "../../src/core/permissions/index.js";
import { exampleConfig } from "../fixtures/config.js";
import { renderedPolicies } from "./deployment-policies.js";

// The grants failback needs that no call of the CLI makes, so the integration contract cannot see
// them used: AWS authorizes them on the caller's behalf inside CreateDBInstanceReadReplica.
// - Tags on create: "RDS performs additional authorization on the rds:AddTagsToResource action"
//   (RDS User Guide, Grant permission to tag Amazon RDS resources during creation).
// - A replica encrypted with a customer managed key: RDS acts for the caller, who needs
//   kms:CreateGrant and kms:DescribeKey on the key (RDS User Guide, AWS KMS key management,
//   Authorizing use of a customer managed key); RDS calls KMS with kms:ViaService rds.<region>.
// Evaluated with the same IAM evaluator and the same rendering as the contract.

const config = exampleConfig();
const P = config.primary;
const B = config.backup;
const account = config.failover.opsTopicArn.split(":")[4] as string;
const keyP = `arn:aws:kms:${P.region}:${account}:key/11111111-2222-3333-4444-555555555555`;
const keyB = `arn:aws:kms:${B.region}:${account}:key/66666666-7777-8888-9999-000000000000`;
const cli = renderedPolicies([{ config, lookups: { dbKmsKeyArns: [keyP, keyB] } }]).find(
  (p) => p.program === "cli",
);

/**
 * Both DB keys' policy as terraform/modules/database(-replica) writes it: the account administers
 * the key, so IAM policies of the account's principals decide (a KMS key needs its key policy too).
 */
const keyPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "AccountAdministers",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

async function verdict(action: string, resource: string, context: Record<string, string> = {}) {
  const result = await runSimulation(
    {
      identityPolicies: (cli?.policies ?? []).map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(action.startsWith("kms:") ? { resourcePolicy: keyPolicy } : {}),
      request: {
        principal: cli?.principalArn as string,
        action,
        resource: { resource, accountId: account },
        contextVariables: context,
      },
    },
    {},
  );
  return result.resultType === "error" ? `error: ${JSON.stringify(result.errors)}` : result.overallResult;
}

describe("operator grants failback needs inside CreateDBInstanceReadReplica", () => {
  it("names why each is granted (the contract sees no call of them)", () => {
    const sids = operatorGrants.filter((g) => g.why).map((g) => g.sid);
    expect(sids).toEqual(expect.arrayContaining(["TagNewReplicas", "DbStorageKeys"]));
  });

  it("allows tagging the two instances failback creates, and no other", async () => {
    expect(await verdict("rds:AddTagsToResource", P.db.arn)).toBe("Allowed");
    expect(await verdict("rds:AddTagsToResource", B.db.arn)).toBe("Allowed");
    expect(await verdict("rds:AddTagsToResource", `${P.db.arn}-fenced-20261203t070000`)).not.toBe("Allowed");
    expect(await verdict("rds:AddTagsToResource", `arn:aws:rds:${P.region}:${account}:db:other`)).not.toBe(
      "Allowed",
    );
  });

  it("allows RDS to use each region's storage key for the caller, and nothing else to", async () => {
    for (const [key, region] of [
      [keyP, P.region],
      [keyB, B.region],
    ] as const) {
      for (const action of ["kms:CreateGrant", "kms:DescribeKey"])
        expect(await verdict(action, key, { "kms:ViaService": `rds.${region}.amazonaws.com` })).toBe(
          "Allowed",
        );
      // a direct call, not through RDS
      expect(await verdict("kms:CreateGrant", key)).not.toBe("Allowed");
    }
  });
});
