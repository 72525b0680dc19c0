import { AutoScalingClient, CreateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateLaunchTemplateCommand, DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, RDSClient } from "@aws-sdk/client-rds";
import { CreateHealthCheckCommand, CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { CLOUDWATCH_PROTOCOL } from "../aws/clients.js";
import { exampleConfig } from "../core/config.fixture.js";
import type { DeploymentConfig } from "../core/config.js";
import { configParameterName } from "../core/config-source.js";

/**
 * The resources the failover and readiness functions touch, created in the emulator with the SDK
 * and named after `deployment` (the moto server is shared by test files running in parallel):
 * P's database and B's cross-region replica, B's launch template and group at rest, P's health
 * check and its alarm and topic, the lock table, the ops topic with an SQS queue subscribed (to
 * read the notification), and the config document in SSM. For the integration tests and the
 * benchmark; the demo uses the real Terraform.
 */
export interface MotoDeployment {
  config: DeploymentConfig;
  parameterName: string;
  opsQueueUrl: string;
}

/** Creates the resources in the emulator (AWS_ENDPOINT_URL) and writes the config document to SSM in B. */
export async function createMotoDeployment(
  deployment: string,
  options: { primaryRegion?: string; backupRegion?: string; mode?: DeploymentConfig["mode"] } = {},
): Promise<MotoDeployment> {
  const P = options.primaryRegion ?? "eu-west-1";
  const B = options.backupRegion ?? "eu-central-1";
  const config = exampleConfig();
  config.deployment = deployment;
  config.mode = options.mode ?? "automatic";

  const primary = await new RDSClient({ region: P }).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${deployment}-primary`,
      Engine: "postgres",
      DBInstanceClass: "db.t3.micro",
      AllocatedStorage: 20,
      MasterUsername: "app",
      MasterUserPassword: "not-a-real-password",
      BackupRetentionPeriod: 7,
    }),
  );
  const primaryArn = primary.DBInstance?.DBInstanceArn as string;
  const replica = await new RDSClient({ region: B }).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: `${deployment}-replica`,
      SourceDBInstanceIdentifier: primaryArn,
      DBInstanceClass: "db.t3.micro",
    }),
  );

  const ec2 = new EC2Client({ region: B });
  const image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], MaxResults: 5 }))).Images?.[0]
    ?.ImageId;
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${deployment}-backup`,
      LaunchTemplateData: { ImageId: image, InstanceType: "t3.micro" },
    }),
  );
  const launchTemplateId = template.LaunchTemplate?.LaunchTemplateId as string;
  await new AutoScalingClient({ region: B }).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: `${deployment}-backup`,
      MinSize: 0,
      MaxSize: 0,
      DesiredCapacity: 0,
      AvailabilityZones: [`${B}a`, `${B}b`],
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: "$Latest" },
    }),
  );

  const route53 = new Route53Client({ region: "us-east-1" });
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: `${deployment}.example.com`, CallerReference: `${deployment}-zone` }),
  );
  const healthCheck = await route53.send(
    new CreateHealthCheckCommand({
      CallerReference: `${deployment}-hc`,
      HealthCheckConfig: {
        Type: "HTTP",
        FullyQualifiedDomainName: `primary.${deployment}.example.com`,
        Port: 80,
        ResourcePath: "/health",
        RequestInterval: 10,
        FailureThreshold: 3,
      },
    }),
  );
  const healthCheckId = healthCheck.HealthCheck?.Id as string;

  const alarmTopic = await new SNSClient({ region: "us-east-1" }).send(
    new CreateTopicCommand({ Name: `${deployment}-primary-unhealthy` }),
  );
  await new CloudWatchClient({ region: "us-east-1", protocol: CLOUDWATCH_PROTOCOL }).send(
    new PutMetricAlarmCommand({
      AlarmName: `${deployment}-primary-unhealthy`,
      Namespace: "AWS/Route53",
      MetricName: "HealthCheckStatus",
      Dimensions: [{ Name: "HealthCheckId", Value: healthCheckId }],
      Statistic: "Minimum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
      AlarmActions: [alarmTopic.TopicArn as string],
    }),
  );

  const sns = new SNSClient({ region: B });
  const opsTopic = await sns.send(new CreateTopicCommand({ Name: `${deployment}-ops` }));
  const sqs = new SQSClient({ region: B });
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${deployment}-ops` }));
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: opsTopic.TopicArn, Protocol: "sqs", Endpoint: queueArn }));

  await new DynamoDBClient({ region: B }).send(
    new CreateTableCommand({
      TableName: `${deployment}-failover-lock`,
      AttributeDefinitions: [{ AttributeName: "deployment", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "deployment", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );

  config.primary = {
    ...config.primary,
    region: P,
    asg: { name: `${deployment}-primary`, desiredCapacity: 2 },
    db: { instanceId: `${deployment}-primary`, arn: primaryArn },
  };
  config.backup = {
    ...config.backup,
    region: B,
    asg: { ...config.backup.asg, name: `${deployment}-backup` },
    launchTemplateId,
    db: {
      instanceId: `${deployment}-replica`,
      arn: replica.DBInstance?.DBInstanceArn as string,
      backupRetentionDays: 7,
      backupWindow: null,
    },
  };
  config.dns = {
    ...config.dns,
    zoneId: String(zone.HostedZone?.Id).replace("/hostedzone/", ""),
    recordName: `app.${deployment}.example.com`,
    healthCheckId,
    healthCheck: { intervalSeconds: 10, failureThreshold: 3, resourcePath: "/health" },
    alarm: {
      ...config.dns.alarm,
      name: `${deployment}-primary-unhealthy`,
      topicArn: alarmTopic.TopicArn as string,
    },
  };
  config.failover = {
    functionName: `${deployment}-failover`,
    lockTableName: `${deployment}-failover-lock`,
    opsTopicArn: opsTopic.TopicArn as string,
    readinessFunctionName: `${deployment}-readiness`,
  };
  const parameterName = configParameterName(deployment);
  await new SSMClient({ region: B }).send(
    new PutParameterCommand({
      Name: parameterName,
      Type: "String",
      Value: JSON.stringify(config),
      Overwrite: true,
    }),
  );
  return { config, parameterName, opsQueueUrl: queue.QueueUrl as string };
}
