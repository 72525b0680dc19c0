import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetParametersByPathCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { CallingProgram, RecordedCall } from "../../src/aws/call-recorder.js";
import { type DeploymentConfig, parseDeploymentConfig } from "../../src/core/config.js";
import {
  deploymentResources,
  GRANTS,
  type Grant,
  type ResourceLookups,
} from "../../src/core/permissions/index.js";
import type { ProgramPolicy } from "./evaluate.js";

interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Array<{
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string>>;
  }>;
}

/**
 * The policy document Terraform renders from the same grants (each module's aws_iam_role_policy):
 * `resources` gives the ARNs of each resource name. A grant whose resource a fixture lacks (no
 * group, no function) is left out: a call on that resource then counts as denied.
 */
function policyDocument(
  grants: readonly Grant[],
  resources: Readonly<Record<string, readonly string[]>>,
  region: string,
): PolicyDocument {
  const Statement: PolicyDocument["Statement"] = [];
  for (const g of grants) {
    const arns = g.resource === "*" ? ["*"] : resources[g.resource];
    if (!arns) continue;
    Statement.push({
      Sid: g.sid,
      Effect: "Allow",
      Action: [...g.actions],
      Resource: [...arns],
      ...(g.condition ? { Condition: withRegion(g.condition, region) } : {}),
    });
  }
  return { Version: "2012-10-17", Statement };
}

function withRegion(condition: Record<string, Record<string, string>>, region: string) {
  return Object.fromEntries(
    Object.entries(condition).map(([op, kv]) => [
      op,
      Object.fromEntries(Object.entries(kv).map(([k, v]) => [k, v.replaceAll("{region}", region)])),
    ]),
  );
}

const CONFIG_NAME = /^\/pilotlight\/[^/]+\/config$/;

/**
 * The deployments in the regions the calls went to: every config document under /pilotlight/ there,
 * with what the config does not name (plain clients: these reads are the test's, not a program's).
 */
export async function recordedDeployments(
  calls: readonly RecordedCall[],
): Promise<Array<{ config: DeploymentConfig; lookups: ResourceLookups }>> {
  const out: Array<{ config: DeploymentConfig; lookups: ResourceLookups }> = [];
  for (const region of new Set(calls.map((c) => c.region))) {
    const ssm = new SSMClient({ region });
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(
        new GetParametersByPathCommand({ Path: "/pilotlight/", Recursive: true, NextToken }),
      );
      for (const p of page.Parameters ?? []) {
        if (!p.Name || !CONFIG_NAME.test(p.Name) || !p.Value) continue;
        const config = parseDeploymentConfig(p.Value, p.Name);
        out.push({ config, lookups: await lookups(config) });
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return out;
}

async function groupArn(region: string, name: string): Promise<string | undefined> {
  const out = await new AutoScalingClient({ region }).send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  return out.AutoScalingGroups?.[0]?.AutoScalingGroupARN;
}

/** A database's storage key, as Terraform's `kms_key_arn` outputs name it (operator-policy.tf db_kms_keys). */
async function dbKey(region: string, id: string): Promise<string | undefined> {
  const out = await new RDSClient({ region })
    .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))
    .catch(() => undefined);
  return out?.DBInstances?.[0]?.KmsKeyId;
}

async function lookups(config: DeploymentConfig): Promise<ResourceLookups> {
  const fn = await new LambdaClient({ region: config.backup.region })
    .send(new GetFunctionConfigurationCommand({ FunctionName: config.failover.functionName }))
    .catch(() => undefined);
  const dbKmsKeyArns = (
    await Promise.all([
      dbKey(config.primary.region, config.primary.db.instanceId),
      dbKey(config.backup.region, config.backup.db.instanceId),
    ])
  ).flatMap((k) => (k ? [k] : []));
  return {
    primaryAsgArn: await groupArn(config.primary.region, config.primary.asg.name),
    backupAsgArn: await groupArn(config.backup.region, config.backup.asg.name),
    failoverRoleArn: fn?.Role,
    dbKmsKeyArns,
  };
}

/**
 * Each program's policies over these deployments, rendered from its permissions.json the way
 * Terraform renders them (one policy per deployment; the fixtures' names differ from the example's).
 */
export function renderedPolicies(
  deployments: ReadonlyArray<{ config: DeploymentConfig; lookups: ResourceLookups }>,
): ProgramPolicy[] {
  const account = deployments[0]?.config.failover.opsTopicArn.split(":")[4] ?? "";
  return (Object.keys(GRANTS) as CallingProgram[]).map((program) => ({
    program,
    principalArn: `arn:aws:iam::${account}:role/pilotlight-${program}`,
    policies: deployments.map(({ config, lookups }) => ({
      name: `${config.deployment}-${program}`,
      document: policyDocument(GRANTS[program], deploymentResources(config, lookups), config.backup.region),
    })),
    whys: Object.fromEntries(GRANTS[program].filter((g) => g.why).map((g) => [g.sid, g.why as string])),
  }));
}

/** Looks an Auto Scaling group's ARN up by name among these deployments. */
export function groupArnOf(
  deployments: ReadonlyArray<{ config: DeploymentConfig; lookups: ResourceLookups }>,
): (name: string) => string | undefined {
  return (name) => {
    for (const { config, lookups } of deployments) {
      if (name === config.backup.asg.name) return lookups.backupAsgArn;
      if (name === config.primary.asg.name) return lookups.primaryAsgArn;
    }
    return undefined;
  };
}
