import { AutoScalingClient, CreateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, RDSClient } from "@aws-sdk/client-rds";
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { CLOUDWATCH_PROTOCOL } from "../aws/clients.js";
import { exampleConfig } from "../core/config.fixture.js";
import type { DeploymentConfig } from "../core/config.js";
import { configParameterName } from "../core/config-source.js";

/**
 * A small deployment built in the emulator with the SDK in about a second: the shape Terraform's
 * examples/local gives (two regions, ALBs, ASGs, a cross-region replica, failover records, the
 * alarm, the lock table, the config document), for integration tests that cannot wait minutes
 * for an apply. The demo uses the real Terraform.
 */
export interface FixtureOptions {
  deployment: string;
  primaryRegion?: string;
  backupRegion?: string;
  primaryCapacity?: number;
  mode?: DeploymentConfig["mode"];
}

async function regionStack(region: string, name: string, desired: number, cidr: string) {
  const ec2 = new EC2Client({ region });
  const elb = new ElasticLoadBalancingV2Client({ region });
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc?.VpcId as string;
  const subnets: string[] = [];
  for (const [i, az] of ["a", "b"].entries()) {
    const s = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpc,
        CidrBlock: cidr.replace(/\.0\.0\/16$/, `.${i}.0/24`),
        AvailabilityZone: `${region}${az}`,
      }),
    );
    subnets.push(s.Subnet?.SubnetId as string);
  }
  const lb = (
    await elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnets, Type: "application" }))
  ).LoadBalancers?.[0];
  const tg = (
    await elb.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: "HTTP",
        Port: 8080,
        VpcId: vpc,
        HealthCheckPath: "/healthz",
        TargetType: "instance",
      }),
    )
  ).TargetGroups?.[0];
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb?.LoadBalancerArn,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: tg?.TargetGroupArn }],
    }),
  );
  const image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId;
  const lt = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: { ImageId: image, InstanceType: "t3.micro" },
    }),
  );
  const launchTemplateId = lt.LaunchTemplate?.LaunchTemplateId as string;
  await new AutoScalingClient({ region }).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: desired,
      MaxSize: desired,
      DesiredCapacity: desired,
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: "$Latest" },
      VPCZoneIdentifier: subnets.join(","),
      TargetGroupARNs: [tg?.TargetGroupArn as string],
    }),
  );
  return {
    alb: {
      arn: lb?.LoadBalancerArn as string,
      dnsName: lb?.DNSName as string,
      zoneId: lb?.CanonicalHostedZoneId as string,
      targetGroupArn: tg?.TargetGroupArn as string,
    },
    launchTemplateId,
  };
}

/** Creates the deployment and writes its config document to SSM in the backup region. */
export async function createDeploymentFixture(options: FixtureOptions): Promise<DeploymentConfig> {
  const d = options.deployment;
  const P = options.primaryRegion ?? "eu-west-1";
  const B = options.backupRegion ?? "eu-central-1";
  const config = exampleConfig();
  config.deployment = d;
  config.mode = options.mode ?? "automatic";
  const [p, b] = await Promise.all([
    regionStack(P, `${d}-primary`, options.primaryCapacity ?? 1, "10.10.0.0/16"),
    regionStack(B, `${d}-backup`, 0, "10.20.0.0/16"),
  ]);

  const primaryDb = await new RDSClient({ region: P }).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${d}-primary`,
      Engine: "postgres",
      DBInstanceClass: "db.t3.micro",
      AllocatedStorage: 20,
      MasterUsername: "app",
      MasterUserPassword: "not-a-real-password",
      MultiAZ: true,
    }),
  );
  const primaryArn = primaryDb.DBInstance?.DBInstanceArn as string;
  const replica = await new RDSClient({ region: B }).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: `${d}-replica`,
      SourceDBInstanceIdentifier: primaryArn,
    }),
  );
  // like Terraform's database module: a secret in P replicated to B (B reads its replica)
  const secretP = await new SecretsManagerClient({ region: P }).send(
    new CreateSecretCommand({
      Name: `pilotlight/${d}/db`,
      SecretString: '{"username":"app","password":"x"}',
      AddReplicaRegions: [{ Region: B }],
    }),
  );
  const secretB = { ARN: String(secretP.ARN).replace(`:${P}:`, `:${B}:`) };

  const route53 = new Route53Client({ region: "us-east-1" });
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: `${d}.example.com`, CallerReference: `${d}-${Date.now()}` }),
  );
  const zoneId = String(zone.HostedZone?.Id).replace("/hostedzone/", "");
  const hc = await route53.send(
    new CreateHealthCheckCommand({
      CallerReference: `${d}-hc-${Date.now()}`,
      HealthCheckConfig: {
        Type: "HTTP_STR_MATCH",
        FullyQualifiedDomainName: p.alb.dnsName,
        Port: 80,
        ResourcePath: "/health",
        SearchString: '"status":"ok"',
        RequestInterval: 10,
        FailureThreshold: 3,
      },
    }),
  );
  const healthCheckId = hc.HealthCheck?.Id as string;
  const recordName = `app.${d}.example.com`;
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: recordName,
              Type: "A",
              SetIdentifier: "primary",
              Failover: "PRIMARY",
              HealthCheckId: healthCheckId,
              AliasTarget: {
                DNSName: p.alb.dnsName,
                HostedZoneId: p.alb.zoneId,
                EvaluateTargetHealth: false,
              },
            },
          },
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: recordName,
              Type: "A",
              SetIdentifier: "secondary",
              Failover: "SECONDARY",
              AliasTarget: { DNSName: b.alb.dnsName, HostedZoneId: b.alb.zoneId, EvaluateTargetHealth: true },
            },
          },
        ],
      },
    }),
  );

  const alarmTopic = await new SNSClient({ region: "us-east-1" }).send(
    new CreateTopicCommand({ Name: `${d}-primary-unhealthy` }),
  );
  const opsTopic = await new SNSClient({ region: B }).send(new CreateTopicCommand({ Name: `${d}-ops` }));
  await new CloudWatchClient({ region: "us-east-1", protocol: CLOUDWATCH_PROTOCOL }).send(
    new PutMetricAlarmCommand({
      AlarmName: `${d}-primary-unhealthy`,
      Namespace: "AWS/Route53",
      MetricName: "HealthCheckStatus",
      Dimensions: [{ Name: "HealthCheckId", Value: healthCheckId }],
      Statistic: "Minimum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      AlarmActions: [alarmTopic.TopicArn as string],
    }),
  );
  await new DynamoDBClient({ region: B }).send(
    new CreateTableCommand({
      TableName: `${d}-failover-lock`,
      AttributeDefinitions: [{ AttributeName: "deployment", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "deployment", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );

  config.primary = {
    ...config.primary,
    region: P,
    alb: p.alb,
    asg: { name: `${d}-primary`, desiredCapacity: options.primaryCapacity ?? 1 },
    db: { instanceId: `${d}-primary`, arn: primaryArn },
    secretArn: secretP.ARN as string,
  };
  config.backup = {
    ...config.backup,
    region: B,
    alb: b.alb,
    asg: { ...config.backup.asg, name: `${d}-backup` },
    launchTemplateId: b.launchTemplateId,
    db: {
      instanceId: `${d}-replica`,
      arn: replica.DBInstance?.DBInstanceArn as string,
      backupRetentionDays: 7,
      backupWindow: null,
    },
    secretArn: secretB.ARN as string,
  };
  config.dns = {
    ...config.dns,
    zoneId,
    recordName,
    healthCheckId,
    healthCheck: { intervalSeconds: 10, failureThreshold: 3, resourcePath: "/health" },
    alarm: { ...config.dns.alarm, name: `${d}-primary-unhealthy`, topicArn: alarmTopic.TopicArn as string },
  };
  config.failover = {
    functionName: `${d}-failover`,
    lockTableName: `${d}-failover-lock`,
    opsTopicArn: opsTopic.TopicArn as string,
    readinessFunctionName: `${d}-readiness`,
  };
  await new SSMClient({ region: B }).send(
    new PutParameterCommand({
      Name: configParameterName(d),
      Type: "String",
      Value: JSON.stringify(config),
      Overwrite: true,
    }),
  );
  return config;
}
