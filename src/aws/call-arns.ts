/**
 * Which resource an AWS call acts on, as IAM sees it: per action, the input fields that name the
 * resource and the ARN IAM authorizes against. The recorder keeps only these fields (never item
 * data or secrets); the IAM contract tests build the ARNs with the account and region.
 *
 * ARN formats: the Service Authorization Reference, "Resource types defined by <service>"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * Actions whose resource type column is empty take only `*` ("unscoped" below).
 */

/** Where a call was made: the ARN parts the input does not carry. */
export interface ArnScope {
  partition: string;
  region: string;
  account: string;
  /**
   * Auto Scaling group ARNs carry a UUID no request names (autoScalingGroup:<uuid>:autoScalingGroupName/<name>):
   * the contract tests look it up by name.
   */
  autoScalingGroupArn?: (name: string) => string | undefined;
}

type Input = Record<string, unknown>;
type ArnRule = { fields: readonly string[]; arns: (input: Input, s: ArnScope) => string[] };

const str = (v: unknown): string[] => (typeof v === "string" ? [v] : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : str(v));
const isArn = (v: string) => v.startsWith("arn:");

const unscoped: ArnRule = { fields: [], arns: () => ["*"] };

const table = (field: string): ArnRule => ({
  fields: [field],
  arns: (i, s) => str(i[field]).map((n) => `arn:${s.partition}:dynamodb:${s.region}:${s.account}:table/${n}`),
});
const dbInstance: ArnRule = {
  fields: ["DBInstanceIdentifier"],
  arns: (i, s) =>
    str(i.DBInstanceIdentifier).map((n) =>
      isArn(n) ? n : `arn:${s.partition}:rds:${s.region}:${s.account}:db:${n}`,
    ),
};
const dbSnapshot = (s: ArnScope, id: string) =>
  isArn(id) ? id : `arn:${s.partition}:rds:${s.region}:${s.account}:snapshot:${id}`;
const asg = (field: string): ArnRule => ({
  fields: [field],
  arns: (i, s) =>
    strs(i[field]).map((n) => {
      const arn = s.autoScalingGroupArn?.(n);
      if (!arn)
        throw new CallArnError(
          `Auto Scaling group ${n} is unknown: its ARN carries a UUID the call does not name`,
        );
      return arn;
    }),
});
const healthCheck: ArnRule = {
  fields: ["HealthCheckId"],
  arns: (i, s) => str(i.HealthCheckId).map((id) => `arn:${s.partition}:route53:::healthcheck/${id}`),
};
/** An S3 object: arn:<partition>:s3:::<bucket>/<key> (S3 has no region or account in its ARNs). */
const s3Object: ArnRule = {
  fields: ["Bucket", "Key"],
  arns: (i, s) => str(i.Bucket).flatMap((b) => str(i.Key).map((k) => `arn:${s.partition}:s3:::${b}/${k}`)),
};
const topic: ArnRule = { fields: ["TopicArn"], arns: (i) => str(i.TopicArn) };
const secret: ArnRule = {
  fields: ["SecretId"],
  // a secret's ARN ends in a random suffix; callers here pass the ARN
  arns: (i, s) =>
    str(i.SecretId).map((n) =>
      isArn(n) ? n : `arn:${s.partition}:secretsmanager:${s.region}:${s.account}:secret:${n}`,
    ),
};
const parameter: ArnRule = {
  fields: ["Name"],
  // AWS's public parameters (/aws/service/...) belong to no account: their ARN leaves it empty
  arns: (i, s) =>
    str(i.Name).map((n) => {
      const path = n.startsWith("/") ? n : `/${n}`;
      const account = path.startsWith("/aws/service/") ? "" : s.account;
      return `arn:${s.partition}:ssm:${s.region}:${account}:parameter${path}`;
    }),
};
const alarms: ArnRule = {
  fields: ["AlarmNames", "AlarmNamePrefix"],
  arns: (i, s) => {
    const names = strs(i.AlarmNames);
    // without names DescribeAlarms lists every alarm: IAM authorizes it against alarm:*
    return names.length > 0
      ? names.map((n) => `arn:${s.partition}:cloudwatch:${s.region}:${s.account}:alarm:${n}`)
      : [`arn:${s.partition}:cloudwatch:${s.region}:${s.account}:alarm:*`];
  },
};
const fn: ArnRule = {
  fields: ["FunctionName"],
  arns: (i, s) =>
    str(i.FunctionName).map((n) =>
      isArn(n) ? n : `arn:${s.partition}:lambda:${s.region}:${s.account}:function:${n}`,
    ),
};

/** Per action (`service:Action`), the resource fields and ARNs; an action missing here is an error. */
export const ARN_RULES: Readonly<Record<string, ArnRule>> = {
  "autoscaling:DescribeAutoScalingGroups": unscoped,
  "autoscaling:DescribeWarmPool": unscoped,
  "autoscaling:UpdateAutoScalingGroup": asg("AutoScalingGroupName"),
  "cloudwatch:DescribeAlarms": alarms,
  "cloudwatch:GetMetricData": unscoped,
  "cloudwatch:GetMetricStatistics": unscoped,
  // no resource; the Namespace is kept for the cloudwatch:namespace condition key (requestContext)
  "cloudwatch:PutMetricData": { fields: ["Namespace"], arns: () => ["*"] },
  "dynamodb:DescribeTable": table("TableName"),
  "dynamodb:GetItem": table("TableName"),
  "dynamodb:PutItem": table("TableName"),
  "dynamodb:UpdateItem": table("TableName"),
  "dynamodb:DeleteItem": table("TableName"),
  "ec2:DescribeInstanceTypes": unscoped,
  "ec2:DescribeLaunchTemplateVersions": unscoped,
  "elasticloadbalancing:DescribeLoadBalancers": unscoped,
  "elasticloadbalancing:DescribeTargetHealth": unscoped,
  "iam:SimulatePrincipalPolicy": { fields: ["PolicySourceArn"], arns: (i) => str(i.PolicySourceArn) },
  "lambda:GetFunctionConfiguration": fn,
  "rds:CreateDBInstanceReadReplica": {
    fields: ["DBInstanceIdentifier", "SourceDBInstanceIdentifier"],
    // the new replica, and its source (IAM checks both; the source may be an ARN in another region)
    arns: (i, s) => [
      ...dbInstance.arns(i, s),
      ...dbInstance.arns({ DBInstanceIdentifier: i.SourceDBInstanceIdentifier }, s),
    ],
  },
  "rds:CreateDBSnapshot": {
    fields: ["DBInstanceIdentifier", "DBSnapshotIdentifier"],
    arns: (i, s) => [...dbInstance.arns(i, s), ...str(i.DBSnapshotIdentifier).map((id) => dbSnapshot(s, id))],
  },
  "rds:DeleteDBInstance": dbInstance,
  "rds:DescribeDBInstances": {
    fields: ["DBInstanceIdentifier"],
    // without an identifier it lists every instance: IAM authorizes it against db:*
    arns: (i, s) =>
      i.DBInstanceIdentifier === undefined
        ? [`arn:${s.partition}:rds:${s.region}:${s.account}:db:*`]
        : dbInstance.arns(i, s),
  },
  // no resource type in the Service Authorization Reference: IAM authorizes it against *
  "rds:DescribeEvents": unscoped,
  "rds:DescribeDBSnapshots": {
    fields: ["DBSnapshotIdentifier"],
    arns: (i, s) => str(i.DBSnapshotIdentifier).map((id) => dbSnapshot(s, id)),
  },
  "rds:ModifyDBInstance": dbInstance,
  "rds:PromoteReadReplica": dbInstance,
  "rds:RebootDBInstance": dbInstance,
  "route53:GetHealthCheck": healthCheck,
  "route53:GetHealthCheckStatus": healthCheck,
  "route53:UpdateHealthCheck": healthCheck,
  "route53:ListResourceRecordSets": {
    fields: ["HostedZoneId"],
    arns: (i, s) =>
      str(i.HostedZoneId).map(
        (id) => `arn:${s.partition}:route53:::hostedzone/${id.replace(/^\/hostedzone\//, "")}`,
      ),
  },
  "s3:DeleteObject": s3Object,
  "s3:GetBucketPolicy": {
    fields: ["Bucket"],
    arns: (i, s) => str(i.Bucket).map((b) => `arn:${s.partition}:s3:::${b}`),
  },
  "s3:GetObject": s3Object,
  "s3:PutObject": s3Object,
  "secretsmanager:DescribeSecret": secret,
  "secretsmanager:GetSecretValue": secret,
  "servicequotas:GetServiceQuota": {
    fields: ["ServiceCode", "QuotaCode"],
    arns: (i, s) => [
      `arn:${s.partition}:servicequotas:${s.region}:${s.account}:${String(i.ServiceCode)}/${String(i.QuotaCode)}`,
    ],
  },
  "sns:ListSubscriptionsByTopic": topic,
  "sns:Publish": topic,
  "ssm:GetParameter": parameter,
  "ssm:PutParameter": parameter,
};

/** The resource-naming fields of a call's input, by the action's rule (nothing else is kept). */
export function resourceFields(action: string, input: Input): Input {
  const rule = ARN_RULES[action];
  if (!rule) return {};
  const out: Input = {};
  for (const f of rule.fields) if (input[f] !== undefined) out[f] = input[f];
  return out;
}

/**
 * The condition keys a call sets from its input, for the policies that use them: PutMetricData
 * sets cloudwatch:namespace (CloudWatch User Guide, "Using condition keys to limit access to
 * CloudWatch namespaces"), which scopes the probe's otherwise unscoped grant.
 */
export function requestContext(action: string, fields: Input): Record<string, string> {
  if (action === "cloudwatch:PutMetricData" && typeof fields.Namespace === "string") {
    return { "cloudwatch:namespace": fields.Namespace };
  }
  return {};
}

export class CallArnError extends Error {
  override readonly name = "CallArnError";
}

/**
 * The ARNs IAM authorizes a call against.
 *
 * @example resourceArns("dynamodb:PutItem", { TableName: "d-failover-lock" }, scope)
 *   // ["arn:aws:dynamodb:eu-central-1:123456789012:table/d-failover-lock"]
 */
export function resourceArns(action: string, fields: Input, scope: ArnScope): string[] {
  const rule = ARN_RULES[action];
  if (!rule) {
    throw new CallArnError(
      `no ARN rule for ${action}: add its resource fields and ARN to ARN_RULES in src/aws/call-arns.ts`,
    );
  }
  return rule.arns(fields, scope);
}
