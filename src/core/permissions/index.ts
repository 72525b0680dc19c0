// The JSON lives in each module so the module stays self-contained (Terraform and OpenTofu read only
// files inside a module source); the operator's lives in the root module, which outputs its policy.
import app from "../../../terraform/modules/app/permissions.json" with { type: "json" };
import failover from "../../../terraform/modules/failover/permissions.json" with { type: "json" };
import probe from "../../../terraform/modules/probe/permissions.json" with { type: "json" };
import readiness from "../../../terraform/modules/readiness/permissions.json" with { type: "json" };
import operator from "../../../terraform/operator-permissions.json" with { type: "json" };
import type { DeploymentConfig } from "../config.js";
import { configParameterName } from "../config-source.js";

/**
 * One grant of a program's role, as its permissions.json lists it: Terraform builds the role policy
 * from the same file (jsondecode), so the code, the tests and the policy cannot drift apart.
 */
export interface Grant {
  sid: string;
  actions: string[];
  /** The ARNs the grant is scoped to, by name (`*` where AWS does not scope the action). */
  resource: string;
  /** The failover step that needs the grant (for error hints). */
  step?: string;
  /** The path that needs a grant no SDK call of ours makes (the Lambda runtime, a service on our behalf). */
  why?: string;
  /** `{region}` in a value stands for the role's region (Terraform substitutes it too). */
  condition?: Record<string, Record<string, string>>;
}

/** The failover function's role. */
export const failoverGrants: readonly Grant[] = failover.statements;
/** The readiness function's role. */
export const readinessGrants: readonly Grant[] = readiness.statements;
/** The probe function's role. */
export const probeGrants: readonly Grant[] = probe.statements;
/** The app instances' role (one per region). */
export const appGrants: readonly Grant[] = app.statements;
/** The operator running the CLI (Terraform output `operator_policy_json`). */
export const operatorGrants: readonly Grant[] = operator.statements;

/** Per program with an IAM identity, its grants. */
export const GRANTS = {
  failover: failoverGrants,
  readiness: readinessGrants,
  probe: probeGrants,
  app: appGrants,
  cli: operatorGrants,
};

/** ARNs the config does not carry: Auto Scaling groups (a UUID in the ARN) and the failover role. */
export interface ResourceLookups {
  backupAsgArn?: string;
  primaryAsgArn?: string;
  failoverRoleArn?: string;
  /** The two databases' storage keys (DescribeDBInstances KmsKeyId), which the config does not name. */
  dbKmsKeyArns?: string[];
}

/**
 * The ARN of each resource name the permissions files use, as far as the deployment config names
 * them (the readiness check of the failover role and the IAM contract tests use this).
 */
export function deploymentResources(
  config: DeploymentConfig,
  lookups: ResourceLookups = {},
): Record<string, string[]> {
  const [, partition, , , account] = config.failover.opsTopicArn.split(":");
  const P = config.primary.region;
  const B = config.backup.region;
  const arn = (service: string, region: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const r: Record<string, string[]> = {
    config_parameter: [arn("ssm", B, `parameter${configParameterName(config.deployment)}`)],
    config_parameter_any_region: [
      `arn:${partition}:ssm:*:${account}:parameter${configParameterName(config.deployment)}`,
    ],
    ami_parameter: [`arn:${partition}:ssm:${B}::parameter${config.backup.amiParameter}`],
    lock_table: [arn("dynamodb", B, `table/${config.failover.lockTableName}`)],
    ops_topic: [config.failover.opsTopicArn],
    alarm_topic: [config.dns.alarm.topicArn],
    alarm: [arn("cloudwatch", config.dns.alarm.region, `alarm:${config.dns.alarm.name}`)],
    probe_alarm: [arn("cloudwatch", config.probe.alarm.region, `alarm:${config.probe.alarm.name}`)],
    // the probe notifies the failover function through its alarm's topic
    probe_alarm_topic: [config.probe.alarm.topicArn],
    // the failover's re-evaluation reads both triggers' alarms
    trigger_alarms: [
      arn("cloudwatch", config.dns.alarm.region, `alarm:${config.dns.alarm.name}`),
      arn("cloudwatch", config.probe.alarm.region, `alarm:${config.probe.alarm.name}`),
    ],
    replica_db: [config.backup.db.arn],
    primary_db: [config.primary.db.arn],
    health_check: [`arn:${partition}:route53:::healthcheck/${config.dns.healthCheckId}`],
    // the records' endpoint checks: P's and B's (the children status reads of the calculated checks)
    endpoint_checks: [
      `arn:${partition}:route53:::healthcheck/${config.dns.healthCheckId}`,
      `arn:${partition}:route53:::healthcheck/${config.dns.backupHealthCheckId}`,
    ],
    hosted_zone: [`arn:${partition}:route53:::hostedzone/${config.dns.zoneId}`],
    // the latch object in B, and its bucket (s3:ListBucket: GetObject of an absent key answers
    // NoSuchKey, not AccessDenied, only to a caller that may list the bucket; API_GetObject)
    latch_object: [`arn:${partition}:s3:::${config.dns.latch.bucket}/${config.dns.latch.key}`],
    latch_bucket: [`arn:${partition}:s3:::${config.dns.latch.bucket}`],
    failover_function: [arn("lambda", B, `function:${config.failover.functionName}`)],
    ec2_quotas: [arn("servicequotas", B, "ec2/*")],
    // failback's own names (src/cli/failback/plan.ts): the fenced old primary, the retired replica, the snapshot
    primary_dbs: [config.primary.db.arn, `${config.primary.db.arn}-fenced-*`],
    replica_dbs: [config.backup.db.arn, `${config.backup.db.arn}-retired-*`],
    // the instances failback creates (tagged at creation): the deployment's own names
    failback_new_dbs: [config.primary.db.arn, config.backup.db.arn],
    failback_snapshots: [arn("rds", P, `snapshot:${config.primary.db.instanceId}-failback-*`)],
    // the operator reads the master user's and the app role's secrets: the app role, the write fence
    db_secrets: [
      config.primary.secretArn,
      config.backup.secretArn,
      config.primary.appSecretArn,
      config.backup.appSecretArn,
    ],
    // each region's instance role names its own region's copy of the app role's secret (never the
    // master's); the contract evaluates both roles as one
    db_secret: [config.primary.appSecretArn, config.backup.appSecretArn],
  };
  if (lookups.backupAsgArn) r.backup_asg = [lookups.backupAsgArn];
  if (lookups.primaryAsgArn) r.primary_asg = [lookups.primaryAsgArn];
  if (lookups.backupAsgArn && lookups.primaryAsgArn) r.asgs = [lookups.primaryAsgArn, lookups.backupAsgArn];
  if (lookups.failoverRoleArn) r.failover_role = [lookups.failoverRoleArn];
  if (lookups.dbKmsKeyArns?.length) r.db_kms_keys = lookups.dbKmsKeyArns;
  return r;
}
