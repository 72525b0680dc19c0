import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { type CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  ClientPool,
  type Clients,
  cloudWatchClient,
  FUNCTION_CLIENT_OPTIONS,
  route53Client,
} from "../../aws/clients.js";
import { readHealthSignal } from "../../aws/health-signal.js";
import type { DeploymentConfig } from "../../core/config.js";
import { AwsCallError, errorCode } from "./errors.js";
import { probeEndpoint } from "./http-probe.js";
import type { LockRecord } from "./lock-record.js";
import { type OperationRecord, type OperationRecordPort, operationRecordKey } from "./operation-record.js";
import {
  type CapacityPort,
  type Clock,
  type DatabasePort,
  type DrillRecord,
  type DrillRecordPort,
  type FailoverPorts,
  type HealthCheckPort,
  type LatchPort,
  type LatchRecord,
  type LockPort,
  type NotifierPort,
  type PrimaryDatabasePort,
  systemClock,
  type TargetHealthPort,
} from "./ports.js";

/** The SDK clients the failover needs, each in the region its resource lives in. */
export interface FailoverClients {
  rds: RDSClient;
  autoScaling: AutoScalingClient;
  /** B's load balancer: the health of B's targets (the capacity step). */
  elb: ElasticLoadBalancingV2Client;
  cloudWatch: CloudWatchClient;
  dynamoDb: DynamoDBClient;
  s3: S3Client;
  sns: SNSClient;
  /** The guard's best-effort clients (config.failover.bestEffortTimeoutMs, one attempt): Route 53's API, */
  guardRoute53: Route53Client;
  /** and P's own regional RDS API; */
  primaryRds: RDSClient;
  /** P's own Auto Scaling API, for the fence. */
  primaryAutoScaling: AutoScalingClient;
}

/** Region field of an ARN (arn:partition:service:region:account:resource). */
export function arnRegion(arn: string): string {
  const region = arn.split(":")[3];
  if (!region) throw new Error(`ARN ${arn} names no region`);
  return region;
}

/**
 * Takes the clients from `clients` (the functions' timeouts by default; the CLI passes its own):
 * B for RDS, the group, the lock table, the latch object and the replica-lag metric; the ops topic's
 * own region for SNS; the guard's best-effort pair (Route 53's API in us-east-1, and P) with one
 * attempt of config.failover.bestEffortTimeoutMs: nothing else leaves B. Every client honours AWS_ENDPOINT_URL, which is how local
 * mode reaches the emulator.
 */
export function createFailoverClients(
  config: DeploymentConfig,
  clients: ClientPool = new ClientPool(FUNCTION_CLIENT_OPTIONS, "failover"),
): FailoverClients {
  const region = config.backup.region;
  const bestEffort = clients.bestEffort(config.failover.bestEffortTimeoutMs);
  return {
    rds: clients.of(RDSClient, region),
    autoScaling: clients.of(AutoScalingClient, region),
    elb: clients.of(ElasticLoadBalancingV2Client, region),
    cloudWatch: cloudWatchClient(clients, region),
    dynamoDb: clients.of(DynamoDBClient, region),
    s3: clients.of(S3Client, region),
    sns: clients.of(SNSClient, arnRegion(config.failover.opsTopicArn)),
    guardRoute53: route53Client(bestEffort),
    primaryRds: bestEffort.of(RDSClient, config.primary.region),
    primaryAutoScaling: bestEffort.of(AutoScalingClient, config.primary.region),
  };
}

/** Runs one AWS call; an error becomes an AwsCallError naming the operation, with the SDK error as cause. */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof AwsCallError) throw cause;
    throw new AwsCallError(operation, errorCode(cause), (cause as Error).message ?? String(cause), { cause });
  }
}

/** DescribeDBInstances' answer for an unknown identifier (the API reference's code, and the SDK's name). */
export const DB_INSTANCE_NOT_FOUND = ["DBInstanceNotFound", "DBInstanceNotFoundFault"];

/** Resolves to undefined when the call fails with one of `codes` (the resource does not exist). */
async function orMissing<T>(
  operation: string,
  codes: string[],
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await awsCall(operation, call);
  } catch (error) {
    if (error instanceof AwsCallError && codes.includes(error.code)) return undefined;
    throw error;
  }
}

/** A database through RDS (the functions': B's replica), and its ReplicaLag through CloudWatch in the same region. */
export function rdsDatabasePort(
  rds: RDSClient,
  cloudWatch: CloudWatchClient,
  clock: Clock = systemClock,
): DatabasePort {
  return {
    async describe(id) {
      const out = await orMissing("rds:DescribeDBInstances", DB_INSTANCE_NOT_FOUND, () =>
        rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
      );
      const db = out?.DBInstances?.[0];
      if (!db) return undefined;
      const replication = db.StatusInfos?.find((s) => s.StatusType === "read replication")?.Status;
      return {
        id,
        status: db.DBInstanceStatus ?? "unknown",
        ...(db.ReadReplicaSourceDBInstanceIdentifier
          ? { sourceId: db.ReadReplicaSourceDBInstanceIdentifier }
          : {}),
        ...(replication ? { replicationStatus: replication } : {}),
      };
    },
    async promote(id, settings) {
      await awsCall("rds:PromoteReadReplica", () =>
        rds.send(
          new PromoteReadReplicaCommand({
            DBInstanceIdentifier: id,
            BackupRetentionPeriod: settings.backupRetentionDays,
            ...(settings.backupWindow ? { PreferredBackupWindow: settings.backupWindow } : {}),
          }),
        ),
      );
    },
    async replicaLagSeconds(id) {
      const now = clock.now();
      const out = await awsCall("cloudwatch:GetMetricStatistics", () =>
        cloudWatch.send(
          new GetMetricStatisticsCommand({
            Namespace: "AWS/RDS",
            MetricName: "ReplicaLag",
            Dimensions: [{ Name: "DBInstanceIdentifier", Value: id }],
            StartTime: new Date(now - 15 * 60_000),
            EndTime: new Date(now),
            Period: 60,
            Statistics: ["Maximum"],
          }),
        ),
      );
      const latest = (out.Datapoints ?? [])
        .filter((d) => d.Timestamp && d.Maximum !== undefined)
        .sort((a, b) => (b.Timestamp as Date).getTime() - (a.Timestamp as Date).getTime())[0];
      return latest?.Maximum;
    },
  };
}

/**
 * A region's database through the same port as the functions': the CLI's `status` and `failback`
 * read a database's role, status, replication and lag this one way.
 */
export function databasePortFor(clients: Clients, region: string): DatabasePort {
  return rdsDatabasePort(clients.rds(region), clients.cloudWatch(region));
}

/** B's auto scaling group; `scale` sets min, max and desired in one call. */
export function autoScalingCapacityPort(autoScaling: AutoScalingClient): CapacityPort {
  return {
    async describe(name) {
      const out = await awsCall("autoscaling:DescribeAutoScalingGroups", () =>
        autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
      );
      const group = out.AutoScalingGroups?.[0];
      if (!group) return undefined;
      const template =
        group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
      return {
        name,
        ...(group.AutoScalingGroupARN ? { arn: group.AutoScalingGroupARN } : {}),
        min: group.MinSize ?? 0,
        max: group.MaxSize ?? 0,
        desired: group.DesiredCapacity ?? 0,
        inService: (group.Instances ?? []).filter((i) => i.LifecycleState === "InService").length,
        instanceIds: (group.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])),
        ...(template?.LaunchTemplateId ? { launchTemplateId: template.LaunchTemplateId } : {}),
        ...(template?.Version ? { launchTemplateVersion: template.Version } : {}),
      };
    },
    async scale(name, capacity) {
      await awsCall("autoscaling:UpdateAutoScalingGroup", () =>
        autoScaling.send(
          new UpdateAutoScalingGroupCommand({
            AutoScalingGroupName: name,
            MinSize: capacity.min,
            MaxSize: capacity.max,
            DesiredCapacity: capacity.desired,
          }),
        ),
      );
    },
  };
}

/** A target group's targets and their health (one page: a group's failover capacity is far below its 400 targets). */
export function elbTargetHealthPort(elb: ElasticLoadBalancingV2Client): TargetHealthPort {
  return {
    async describe(targetGroupArn) {
      const out = await awsCall("elasticloadbalancing:DescribeTargetHealth", () =>
        elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })),
      );
      return (out.TargetHealthDescriptions ?? []).flatMap((t) =>
        t.Target?.Id ? [{ id: t.Target.Id, state: t.TargetHealth?.State ?? "unknown" }] : [],
      );
    },
  };
}

/** P's health check: its configuration and every checker's raw observation, read together. */
export function route53HealthCheckPort(route53: Route53Client): HealthCheckPort {
  return {
    async describe(id) {
      const [check, status] = await Promise.all([
        orMissing("route53:GetHealthCheck", ["NoSuchHealthCheck"], () =>
          route53.send(new GetHealthCheckCommand({ HealthCheckId: id })),
        ),
        orMissing("route53:GetHealthCheckStatus", ["NoSuchHealthCheck"], () =>
          route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id })),
        ),
      ]);
      const config = check?.HealthCheck?.HealthCheckConfig;
      if (!config) return undefined;
      return {
        id,
        disabled: config.Disabled === true,
        inverted: config.Inverted === true,
        ...(config.ResourcePath ? { resourcePath: config.ResourcePath } : {}),
        observations: (status?.HealthCheckObservations ?? []).map((o) => {
          const text = o.StatusReport?.Status ?? "";
          return { region: o.Region ?? "unknown", healthy: text.startsWith("Success"), status: text };
        }),
      };
    },
  };
}

/**
 * The latch object in B. Read with GetObject, whose NoSuchKey (404, the caller may list the
 * bucket) means absent; an AccessDenied is an error, not "absent", or a missing grant would read
 * as "not latched" (AmazonS3/latest/API/API_GetObject.html).
 */
export function s3LatchPort(s3: S3Client, bucket: string, key: string): LatchPort {
  return {
    async read() {
      const out = await orMissing("s3:GetObject", ["NoSuchKey"], () =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      );
      if (!out?.Body) return undefined;
      const text = await out.Body.transformToString();
      try {
        return JSON.parse(text) as LatchRecord;
      } catch {
        // an object written by hand still latches: Route 53's checkers only see that it exists
        return { deployment: "", incidentId: "", latchedAt: "", by: "unknown", checksFingerprint: "" };
      }
    },
    async write(record) {
      await awsCall("s3:PutObject", () =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: JSON.stringify(record),
            ContentType: "application/json",
            // checkers must see the object as soon as it is written, never a cached absence
            CacheControl: "no-store",
          }),
        ),
      );
    },
    async remove() {
      await awsCall("s3:DeleteObject", () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
    },
  };
}

/** The latch object of `config` in B, through `clients` (the CLI's, the harness's). */
export function latchPortFor(clients: Clients, config: DeploymentConfig): LatchPort {
  return s3LatchPort(clients.s3(config.backup.region), config.dns.latch.bucket, config.dns.latch.key);
}

/** The ops topic: one message per incident state change. */
export function snsNotifierPort(sns: SNSClient, topicArn: string): NotifierPort {
  return {
    async publish(subject, message) {
      await awsCall("sns:Publish", () =>
        sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message })),
      );
    },
  };
}

/** The lock table through the document client: items are plain objects shaped like LockRecord. */
export function dynamoDbLockPort(dynamoDb: DynamoDBClient, tableName: string): LockPort {
  const doc = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async read(deployment) {
      const out = await awsCall("dynamodb:GetItem", () =>
        doc.send(new GetCommand({ TableName: tableName, Key: { deployment }, ConsistentRead: true })),
      );
      return out.Item as LockRecord | undefined;
    },
    async transition(record, expected) {
      const condition =
        expected === undefined
          ? { ConditionExpression: "attribute_not_exists(deployment)" }
          : {
              ConditionExpression:
                "#state = :state AND attempts = :attempts AND " +
                (expected.incidentId === undefined
                  ? "attribute_not_exists(incidentId)"
                  : "incidentId = :incident"),
              ExpressionAttributeNames: { "#state": "state" },
              ExpressionAttributeValues: {
                ":state": expected.state,
                ":attempts": expected.attempts,
                ...(expected.incidentId === undefined ? {} : { ":incident": expected.incidentId }),
              },
            };
      try {
        await awsCall("dynamodb:PutItem", () =>
          doc.send(new PutCommand({ TableName: tableName, Item: record, ...condition })),
        );
        return { won: true, record };
      } catch (error) {
        if (error instanceof AwsCallError && error.code === "ConditionalCheckFailedException")
          return { won: false };
        throw error;
      }
    },
    async recordStep(deployment, incidentId, step, entry) {
      try {
        await awsCall("dynamodb:UpdateItem", () =>
          doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { deployment },
              UpdateExpression: "SET timeline.#step = :entry",
              ConditionExpression: "incidentId = :incident",
              ExpressionAttributeNames: { "#step": step },
              ExpressionAttributeValues: { ":entry": entry, ":incident": incidentId },
            }),
          ),
        );
      } catch (error) {
        if (error instanceof AwsCallError && error.code === "ConditionalCheckFailedException") return;
        throw error;
      }
    },
  };
}

/** The lock-table key of a deployment's drill record (deployment names hold no `#`). */
export function drillRecordKey(deployment: string): string {
  return `${deployment}#drill`;
}

/** The drill record: a second item of the lock table, beside the deployment's lock item. */
export function dynamoDbDrillRecordPort(
  dynamoDb: DynamoDBClient,
  tableName: string,
  deployment: string,
): DrillRecordPort {
  const doc = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const Key = { deployment: drillRecordKey(deployment) };
  return {
    async read() {
      const out = await awsCall("dynamodb:GetItem", () =>
        doc.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true })),
      );
      if (!out.Item) return undefined;
      const { startedAt, by, expiresAt } = out.Item as DrillRecord;
      return { deployment, startedAt, by, expiresAt };
    },
    async write(record) {
      await awsCall("dynamodb:PutItem", () =>
        doc.send(new PutCommand({ TableName: tableName, Item: { ...record, ...Key } })),
      );
    },
    async remove() {
      await awsCall("dynamodb:DeleteItem", () => doc.send(new DeleteCommand({ TableName: tableName, Key })));
    },
  };
}

/**
 * An operation's progress record (operation-record.ts): one more item of the lock table. Each write
 * is a PutItem conditional on the version read; a lost condition answers false, not an error.
 */
export function dynamoDbOperationRecordPort(
  dynamoDb: DynamoDBClient,
  tableName: string,
  deployment: string,
  operation: string,
): OperationRecordPort {
  const doc = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const Key = { deployment: operationRecordKey(deployment, operation) };
  return {
    async read() {
      const out = await awsCall("dynamodb:GetItem", () =>
        doc.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true })),
      );
      // the item's hash key is the record's key; the record names its deployment
      return out.Item ? ({ ...out.Item, deployment } as OperationRecord) : undefined;
    },
    async write(record) {
      try {
        await awsCall("dynamodb:PutItem", () =>
          doc.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...record, ...Key },
              ConditionExpression: "attribute_not_exists(deployment) OR #version = :previous",
              ExpressionAttributeNames: { "#version": "version" },
              ExpressionAttributeValues: { ":previous": record.version - 1 },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof AwsCallError && error.code === "ConditionalCheckFailedException") return false;
        throw error;
      }
    },
  };
}

/** P's database through P's regional RDS API (the guard's best-effort client). */
export function rdsPrimaryDatabasePort(rds: RDSClient): PrimaryDatabasePort {
  return {
    async describe(id) {
      const out = await orMissing("rds:DescribeDBInstances", DB_INSTANCE_NOT_FOUND, () =>
        rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
      );
      const db = out?.DBInstances?.[0];
      return db ? { id, status: db.DBInstanceStatus ?? "unknown" } : undefined;
    },
    async events(id, since) {
      // one page of up to 100 events of the last hour is plenty: a failover or recovery writes a few
      const out = await awsCall("rds:DescribeEvents", () =>
        rds.send(
          new DescribeEventsCommand({
            SourceIdentifier: id,
            SourceType: "db-instance",
            StartTime: since,
            MaxRecords: 100,
          }),
        ),
      );
      return (out.Events ?? [])
        .map((e) => ({
          date: (e.Date ?? new Date(0)).toISOString(),
          message: e.Message ?? "",
          categories: e.EventCategories ?? [],
        }))
        .sort((a, b) => a.date.localeCompare(b.date));
    },
  };
}

/**
 * The failover's ports on AWS (or the emulator). The CLI calls this too, so `approve` drives the
 * very same adapters as the Lambda.
 *
 * @example const ports = createFailoverPorts(config); await runFailover(ports, config, trigger);
 */
export function createFailoverPorts(
  config: DeploymentConfig,
  clients: FailoverClients = createFailoverClients(config),
  clock: Clock = systemClock,
): FailoverPorts {
  return {
    database: rdsDatabasePort(clients.rds, clients.cloudWatch, clock),
    capacity: autoScalingCapacityPort(clients.autoScaling),
    targets: elbTargetHealthPort(clients.elb),
    latch: s3LatchPort(clients.s3, config.dns.latch.bucket, config.dns.latch.key),
    primaryGroup: autoScalingCapacityPort(clients.primaryAutoScaling),
    lock: dynamoDbLockPort(clients.dynamoDb, config.failover.lockTableName),
    signals: {
      endpointCheck: route53HealthCheckPort(clients.guardRoute53),
      healthSignal: readHealthSignal,
      probe: probeEndpoint,
      primaryDatabase: rdsPrimaryDatabasePort(clients.primaryRds),
      drill: dynamoDbDrillRecordPort(clients.dynamoDb, config.failover.lockTableName, config.deployment),
    },
    notifier: snsNotifierPort(clients.sns, config.failover.opsTopicArn),
    clock,
  };
}
