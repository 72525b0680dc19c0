import type { DeploymentConfig } from "./config.js";

const account = "123456789012";

/** A complete, valid deployment-config document for tests (P eu-west-1, B eu-central-1). */
export function exampleConfig(): DeploymentConfig {
  const range = (best: number, typical: number, worst: number) => ({ best, typical, worst });
  return {
    version: 1,
    deployment: "demo",
    mode: "automatic",
    primary: {
      region: "eu-west-1",
      alb: {
        arn: `arn:aws:elasticloadbalancing:eu-west-1:${account}:loadbalancer/app/demo-primary/0123456789abcdef`,
        dnsName: "demo-primary-1.eu-west-1.elb.amazonaws.com",
        zoneId: "Z32O12XQLNTSW2",
        targetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:${account}:targetgroup/demo-primary/0123456789abcdef`,
      },
      asg: { name: "demo-primary", desiredCapacity: 2 },
      db: { instanceId: "demo-primary", arn: `arn:aws:rds:eu-west-1:${account}:db:demo-primary` },
      secretArn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:pilotlight/demo/db-AbCdEf`,
      artifactBucket: "demo-artifacts-eu-west-1",
    },
    backup: {
      region: "eu-central-1",
      alb: {
        arn: `arn:aws:elasticloadbalancing:eu-central-1:${account}:loadbalancer/app/demo-backup/0123456789abcdef`,
        dnsName: "demo-backup-1.eu-central-1.elb.amazonaws.com",
        zoneId: "Z215JYRZR1TBD5",
        targetGroupArn: `arn:aws:elasticloadbalancing:eu-central-1:${account}:targetgroup/demo-backup/0123456789abcdef`,
      },
      asg: { name: "demo-backup", failoverCapacity: { min: 2, max: 4, desired: 2 }, warmPoolSize: 0 },
      launchTemplateId: "lt-0123456789abcdef0",
      amiParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      db: {
        instanceId: "demo-replica",
        arn: `arn:aws:rds:eu-central-1:${account}:db:demo-replica`,
        backupRetentionDays: 7,
        backupWindow: "02:00-02:30",
      },
      secretArn: `arn:aws:secretsmanager:eu-central-1:${account}:secret:pilotlight/demo/db-AbCdEf`,
      artifactBucket: "demo-artifacts-eu-central-1",
    },
    dns: {
      zoneId: "Z0123456789ABCDEFGHIJ",
      recordName: "app.example.com",
      healthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
      healthCheck: { intervalSeconds: 30, failureThreshold: 3, resourcePath: "/health" },
      alarm: {
        name: "demo-primary-unhealthy",
        region: "us-east-1",
        topicArn: `arn:aws:sns:us-east-1:${account}:demo-primary-unhealthy`,
        evaluationPeriods: 1,
        periodSeconds: 60,
      },
      ttlSeconds: 60,
    },
    failover: {
      functionName: "demo-failover",
      lockTableName: "demo-failover-lock",
      opsTopicArn: `arn:aws:sns:eu-central-1:${account}:demo-ops`,
      readinessFunctionName: "demo-readiness",
    },
    thresholds: { replicaLagSecondsMax: 300, rtoTargetSeconds: 900 },
    rto: {
      metricDelaySeconds: range(30, 60, 90),
      decideSeconds: range(2, 5, 30),
      promoteSeconds: range(60, 180, 420),
      instanceLaunchSeconds: range(30, 60, 120),
      warmPoolLaunchSeconds: range(10, 20, 40),
      appStartSeconds: range(5, 15, 45),
      targetHealthyThreshold: 2,
      targetIntervalSeconds: 10,
      resolverCacheSeconds: range(0, 30, 60),
    },
  };
}
