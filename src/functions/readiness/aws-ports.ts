import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { type CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type _InstanceType,
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { type IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { Route53Client } from "@aws-sdk/client-route-53";
import { GetBucketPolicyCommand, type S3Client } from "@aws-sdk/client-s3";
import { GetServiceQuotaCommand, type ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { ListSubscriptionsByTopicCommand, type SNSClient } from "@aws-sdk/client-sns";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { Clients, FUNCTION_CLIENT_OPTIONS } from "../../aws/clients.js";
import { readLatchSignal } from "../../aws/health-signal.js";
import type { DeploymentConfig } from "../../core/config.js";
import {
  arnRegion,
  autoScalingCapacityPort,
  awsCall,
  dynamoDbLockPort,
  rdsDatabasePort,
  route53HealthCheckPort,
  s3LatchPort,
} from "../shared/aws-ports.js";
import { AwsCallError } from "../shared/errors.js";
import { type Clock, systemClock } from "../shared/ports.js";
import type {
  DetectionPort,
  LatchPolicyPort,
  LaunchPort,
  PermissionsPort,
  QuotaPort,
  ReadinessPorts,
} from "./ports.js";

export interface ReadinessClients {
  rds: RDSClient;
  cloudWatch: CloudWatchClient;
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  ssm: SSMClient;
  lambda: LambdaClient;
  dynamoDb: DynamoDBClient;
  serviceQuotas: ServiceQuotasClient;
  iam: IAMClient;
  route53: Route53Client;
  /** B, where the latch object lives. */
  s3: S3Client;
  /** us-east-1, where the alarm lives. */
  alarmCloudWatch: CloudWatchClient;
  /** The alarm topic's region (us-east-1). */
  alarmSns: SNSClient;
}

/**
 * Clients in B, plus us-east-1 for Route 53, the alarm and its topic; IAM is global. Taken from
 * `clients` (the functions' timeouts by default; the CLI passes its own).
 */
export function createReadinessClients(
  config: DeploymentConfig,
  clients: Clients = new Clients(FUNCTION_CLIENT_OPTIONS, "readiness"),
): ReadinessClients {
  const region = config.backup.region;
  return {
    rds: clients.rds(region),
    cloudWatch: clients.cloudWatch(region),
    autoScaling: clients.autoScaling(region),
    ec2: clients.ec2(region),
    ssm: clients.ssm(region),
    lambda: clients.lambda(region),
    dynamoDb: clients.dynamoDb(region),
    serviceQuotas: clients.serviceQuotas(region),
    iam: clients.iam(),
    route53: clients.route53(),
    s3: clients.s3(region),
    alarmCloudWatch: clients.cloudWatch(config.dns.alarm.region),
    alarmSns: clients.sns(arnRegion(config.dns.alarm.topicArn)),
  };
}

const missing = (error: unknown, codes: string[]) =>
  error instanceof AwsCallError && codes.includes(error.code);

/** The launch template, the AMI alias and instance sizes, all in B. */
export function ec2LaunchPort(ec2: EC2Client, ssm: SSMClient): LaunchPort {
  return {
    async template(id, version) {
      try {
        const out = await awsCall("ec2:DescribeLaunchTemplateVersions", () =>
          ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: [version] })),
        );
        const v = out.LaunchTemplateVersions?.[0];
        if (!v) return undefined;
        return {
          id,
          version: String(v.VersionNumber ?? version),
          ...(v.LaunchTemplateData?.ImageId ? { imageId: v.LaunchTemplateData.ImageId } : {}),
          ...(v.LaunchTemplateData?.InstanceType ? { instanceType: v.LaunchTemplateData.InstanceType } : {}),
        };
      } catch (error) {
        if (missing(error, ["InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.VersionNotFound"]))
          return undefined;
        throw error;
      }
    },
    async parameter(name) {
      try {
        const out = await awsCall("ssm:GetParameter", () =>
          ssm.send(new GetParameterCommand({ Name: name })),
        );
        return out.Parameter?.Value;
      } catch (error) {
        if (missing(error, ["ParameterNotFound"])) return undefined;
        throw error;
      }
    },
    async vcpus(instanceType) {
      const out = await awsCall("ec2:DescribeInstanceTypes", () =>
        ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] })),
      );
      return out.InstanceTypes?.[0]?.VCpuInfo?.DefaultVCpus;
    },
  };
}

/** The alarm and its topic (us-east-1), and the failover function (B). */
export function detectionPort(
  cloudWatch: CloudWatchClient,
  sns: SNSClient,
  lambda: LambdaClient,
): DetectionPort {
  return {
    async alarm(name) {
      const out = await awsCall("cloudwatch:DescribeAlarms", () =>
        cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["MetricAlarm"] })),
      );
      const a = out.MetricAlarms?.[0];
      if (!a) return undefined;
      return {
        name,
        ...(a.Namespace ? { namespace: a.Namespace } : {}),
        ...(a.MetricName ? { metricName: a.MetricName } : {}),
        dimensions: (a.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
        actions: a.AlarmActions ?? [],
        actionsEnabled: a.ActionsEnabled !== false,
        ...(a.EvaluationPeriods !== undefined ? { evaluationPeriods: a.EvaluationPeriods } : {}),
        ...(a.StateValue ? { state: a.StateValue } : {}),
      };
    },
    async subscriptions(topicArn) {
      const all: Array<{ protocol: string; endpoint: string }> = [];
      let token: string | undefined;
      do {
        const out = await awsCall("sns:ListSubscriptionsByTopic", () =>
          sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token })),
        );
        for (const s of out.Subscriptions ?? [])
          all.push({ protocol: s.Protocol ?? "", endpoint: s.Endpoint ?? "" });
        token = out.NextToken;
      } while (token);
      return all;
    },
    async function(name) {
      try {
        const out = await awsCall("lambda:GetFunctionConfiguration", () =>
          lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
        );
        if (!out.FunctionArn) return undefined;
        return { arn: out.FunctionArn, ...(out.Role ? { roleArn: out.Role } : {}) };
      } catch (error) {
        if (missing(error, ["ResourceNotFoundException"])) return undefined;
        throw error;
      }
    },
  };
}

/** IAM policy simulation: one call per check, because ResourceArns applies to every action of a call. */
export function iamPermissionsPort(iam: IAMClient): PermissionsPort {
  return {
    async denied(roleArn, checks) {
      const results = await Promise.all(
        checks.map(async (c) => {
          const out = await awsCall("iam:SimulatePrincipalPolicy", () =>
            iam.send(
              new SimulatePrincipalPolicyCommand({
                PolicySourceArn: roleArn,
                ActionNames: [c.action],
                ResourceArns: [c.resource],
              }),
            ),
          );
          const decision = out.EvaluationResults?.[0]?.EvalDecision ?? "implicitDeny";
          return { ...c, decision };
        }),
      );
      return results.filter((r) => r.decision !== "allowed");
    },
  };
}

/** EC2 "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", in vCPUs. */
export const ON_DEMAND_STANDARD_QUOTA = "L-1216C47A";

/** Service Quotas in B; a quota without an applied value there reads as unknown. */
export function serviceQuotaPort(quotas: ServiceQuotasClient): QuotaPort {
  return {
    async onDemandStandardVcpus() {
      try {
        const out = await awsCall("servicequotas:GetServiceQuota", () =>
          quotas.send(
            new GetServiceQuotaCommand({ ServiceCode: "ec2", QuotaCode: ON_DEMAND_STANDARD_QUOTA }),
          ),
        );
        return out.Quota?.Value;
      } catch (error) {
        // no applied value for this quota here: headroom unknown, which readiness reports as a warning
        if (missing(error, ["NoSuchResourceException"])) return undefined;
        throw error;
      }
    },
  };
}

/** Where AWS publishes its address ranges (Route 53 Developer Guide, "IP address ranges of Amazon Route 53 servers"). */
export const IP_RANGES_URL = "https://ip-ranges.amazonaws.com/ip-ranges.json";

/** The Sid of the latch bucket policy's statement that lets the checkers GET the latch (terraform/modules/latch). */
export const LATCH_CHECKERS_SID = "Route53CheckersReadTheLatch";

interface IpRanges {
  prefixes?: Array<{ ip_prefix?: string; service?: string }>;
  ipv6_prefixes?: Array<{ ipv6_prefix?: string; service?: string }>;
}

/**
 * The latch bucket's policy through GetBucketPolicy (NoSuchBucketPolicy: no policy), and
 * ip-ranges.json over HTTPS, bounded by `timeoutMs` (readiness runs outside a VPC).
 */
export function latchPolicyPort(
  s3: S3Client,
  bucket: string,
  options: { ipRangesUrl?: string; timeoutMs: number },
): LatchPolicyPort {
  return {
    async checkerCidrs() {
      let policy: string | undefined;
      try {
        const out = await awsCall("s3:GetBucketPolicy", () =>
          s3.send(new GetBucketPolicyCommand({ Bucket: bucket })),
        );
        policy = out.Policy;
      } catch (error) {
        if (missing(error, ["NoSuchBucketPolicy"])) return undefined;
        throw error;
      }
      if (!policy) return undefined;
      const statements = (JSON.parse(policy) as { Statement?: unknown }).Statement;
      const list = (Array.isArray(statements) ? statements : [statements]) as Array<{
        Sid?: string;
        Condition?: { IpAddress?: Record<string, string | string[]> };
      }>;
      const ranges = list.find((st) => st?.Sid === LATCH_CHECKERS_SID)?.Condition?.IpAddress?.[
        "aws:SourceIp"
      ];
      return ranges === undefined ? [] : [ranges].flat();
    },
    async publishedCheckerCidrs() {
      const response = await fetch(options.ipRangesUrl ?? IP_RANGES_URL, {
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const ranges = (await response.json()) as IpRanges;
      const service = "ROUTE53_HEALTHCHECKS";
      return [
        ...(ranges.prefixes ?? []).filter((p) => p.service === service).map((p) => p.ip_prefix),
        ...(ranges.ipv6_prefixes ?? []).filter((p) => p.service === service).map((p) => p.ipv6_prefix),
      ].filter((cidr): cidr is string => typeof cidr === "string");
    },
  };
}

/**
 * The readiness checks' ports on AWS (or the emulator); the CLI's `readiness` uses the same.
 *
 * @example const report = await runReadiness(createReadinessPorts(config), config);
 */
export function createReadinessPorts(
  config: DeploymentConfig,
  clients: ReadinessClients = createReadinessClients(config),
  clock: Clock = systemClock,
  options: { ipRangesUrl?: string } = {},
): ReadinessPorts {
  return {
    database: rdsDatabasePort(clients.rds, clients.cloudWatch, clock),
    capacity: autoScalingCapacityPort(clients.autoScaling),
    healthCheck: route53HealthCheckPort(clients.route53),
    latch: s3LatchPort(clients.s3, config.dns.latch.bucket, config.dns.latch.key),
    latchSignal: () =>
      readLatchSignal(
        config.dns.latchSignal.name,
        config.dns.healthSignal.nameServers,
        config.probe.timeoutMs,
      ),
    latchPolicy: latchPolicyPort(clients.s3, config.dns.latch.bucket, {
      ...options,
      timeoutMs: config.probe.timeoutMs,
    }),
    lock: dynamoDbLockPort(clients.dynamoDb, config.failover.lockTableName),
    launch: ec2LaunchPort(clients.ec2, clients.ssm),
    detection: detectionPort(clients.alarmCloudWatch, clients.alarmSns, clients.lambda),
    permissions: iamPermissionsPort(clients.iam),
    quota: serviceQuotaPort(clients.serviceQuotas),
    clock,
  };
}
