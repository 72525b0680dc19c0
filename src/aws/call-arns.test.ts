import { describe, expect, it } from "vitest";
import { type ArnScope, CallArnError, resourceArns, resourceFields } from "./call-arns.js";

const scope: ArnScope = {
  partition: "aws",
  region: "eu-central-1",
  account: "123456789012",
  autoScalingGroupArn: (n) =>
    n === "d-backup"
      ? "arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:0f6e0b59-6a1e-4b3c-9d43-1a2b3c4d5e6f:autoScalingGroupName/d-backup"
      : undefined,
};

describe("call ARNs", () => {
  describe("resourceArns", () => {
    // Formats: Service Authorization Reference, "Resource types defined by" each service.
    it.each([
      [
        "dynamodb:PutItem",
        { TableName: "d-failover-lock" },
        "arn:aws:dynamodb:eu-central-1:123456789012:table/d-failover-lock",
      ],
      [
        "rds:PromoteReadReplica",
        { DBInstanceIdentifier: "d-replica" },
        "arn:aws:rds:eu-central-1:123456789012:db:d-replica",
      ],
      ["rds:DescribeDBInstances", {}, "arn:aws:rds:eu-central-1:123456789012:db:*"],
      [
        "rds:DescribeDBSnapshots",
        { DBSnapshotIdentifier: "s1" },
        "arn:aws:rds:eu-central-1:123456789012:snapshot:s1",
      ],
      ["route53:UpdateHealthCheck", { HealthCheckId: "abc" }, "arn:aws:route53:::healthcheck/abc"],
      // S3 object ARNs carry neither region nor account: arn:<partition>:s3:::<bucket>/<key>
      ["s3:GetObject", { Bucket: "d-latch", Key: "latch" }, "arn:aws:s3:::d-latch/latch"],
      ["s3:PutObject", { Bucket: "d-latch", Key: "latch" }, "arn:aws:s3:::d-latch/latch"],
      ["s3:DeleteObject", { Bucket: "d-latch", Key: "latch" }, "arn:aws:s3:::d-latch/latch"],
      [
        "ssm:GetParameter",
        { Name: "/pilotlight/d/config" },
        "arn:aws:ssm:eu-central-1:123456789012:parameter/pilotlight/d/config",
      ],
      // AWS's public parameters are owned by no account
      [
        "ssm:GetParameter",
        { Name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" },
        "arn:aws:ssm:eu-central-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
      ],
      [
        "cloudwatch:DescribeAlarms",
        { AlarmNames: ["d-primary"] },
        "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:d-primary",
      ],
      [
        "lambda:GetFunctionConfiguration",
        { FunctionName: "d-failover" },
        "arn:aws:lambda:eu-central-1:123456789012:function:d-failover",
      ],
      [
        "servicequotas:GetServiceQuota",
        { ServiceCode: "ec2", QuotaCode: "L-1216C47A" },
        "arn:aws:servicequotas:eu-central-1:123456789012:ec2/L-1216C47A",
      ],
      [
        "sns:Publish",
        { TopicArn: "arn:aws:sns:eu-central-1:123456789012:d-ops" },
        "arn:aws:sns:eu-central-1:123456789012:d-ops",
      ],
      [
        "autoscaling:UpdateAutoScalingGroup",
        { AutoScalingGroupName: "d-backup" },
        "arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:0f6e0b59-6a1e-4b3c-9d43-1a2b3c4d5e6f:autoScalingGroupName/d-backup",
      ],
      ["autoscaling:DescribeAutoScalingGroups", { AutoScalingGroupNames: ["d-backup"] }, "*"],
      ["cloudwatch:GetMetricStatistics", {}, "*"],
    ])("%s %j acts on %s", (action, input, arn) => {
      expect(resourceArns(action, input, scope)).toEqual([arn]);
    });

    it("names both DB instances of a new read replica (IAM checks the source too)", () => {
      expect(
        resourceArns(
          "rds:CreateDBInstanceReadReplica",
          {
            DBInstanceIdentifier: "d-replica-2",
            SourceDBInstanceIdentifier: "arn:aws:rds:eu-west-1:123456789012:db:d-primary",
          },
          scope,
        ),
      ).toEqual([
        "arn:aws:rds:eu-central-1:123456789012:db:d-replica-2",
        "arn:aws:rds:eu-west-1:123456789012:db:d-primary",
      ]);
    });

    it("refuses an action without a rule, naming where to add it", () => {
      expect(() => resourceArns("s3:ListObjectsV2", {}, scope)).toThrow(
        /no ARN rule for s3:ListObjectsV2.*call-arns\.ts/,
      );
    });

    it("refuses an Auto Scaling group it cannot look up (its ARN carries a UUID)", () => {
      expect(() =>
        resourceArns("autoscaling:UpdateAutoScalingGroup", { AutoScalingGroupName: "other" }, scope),
      ).toThrow(CallArnError);
    });
  });

  describe("resourceFields", () => {
    it("keeps only the fields that name the resource", () => {
      expect(resourceFields("dynamodb:PutItem", { TableName: "t", Item: { secret: { S: "x" } } })).toEqual({
        TableName: "t",
      });
    });
    it("never keeps an object's body (the latch record)", () => {
      expect(resourceFields("s3:PutObject", { Bucket: "b", Key: "k", Body: "{}" })).toEqual({
        Bucket: "b",
        Key: "k",
      });
    });
  });
});
