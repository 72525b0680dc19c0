data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  function_name = "${var.name}-readiness"
  region        = data.aws_region.current.region
  account_id    = data.aws_caller_identity.current.account_id
  partition     = data.aws_partition.current.partition
  t             = var.targets
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${local.function_name}"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name        = local.function_name
  description = "pilotlight readiness check: read-only view of the standby, metrics and notifications"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

# Read-only and scoped to ARNs, except the actions AWS does not scope (Describe* of Auto Scaling,
# EC2 and ELB, GetMetricData, X-Ray; PutMetricData limited to the Pilotlight namespace).
resource "aws_iam_role_policy" "this" {
  name = "readiness"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Logs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${local.log_group_arn}:*"]
      },
      {
        Sid    = "ReadConfigAndAmi"
        Effect = "Allow"
        Action = ["ssm:GetParameter"]
        Resource = [
          "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.config_parameter_name}",
          "arn:${local.partition}:ssm:${local.region}::parameter${local.t.ami_parameter}",
        ]
      },
      {
        Sid      = "DescribeDatabases"
        Effect   = "Allow"
        Action   = ["rds:DescribeDBInstances"]
        Resource = [local.t.primary_db_arn, local.t.replica_db_arn]
      },
      {
        Sid      = "HealthCheck"
        Effect   = "Allow"
        Action   = ["route53:GetHealthCheck", "route53:GetHealthCheckStatus"]
        Resource = [local.t.health_check_arn]
      },
      {
        Sid      = "Alarm"
        Effect   = "Allow"
        Action   = ["cloudwatch:DescribeAlarms"]
        Resource = [local.t.alarm_arn]
      },
      {
        # PutItem: readiness arms the failover (the armed marker, a conditional write) once P is
        # seen healthy; without it nothing is ever armed on AWS. DescribeTable: nothing calls it.
        Sid      = "Lock"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem"]
        Resource = [local.t.lock_table_arn]
      },
      {
        Sid      = "FailoverFunction"
        Effect   = "Allow"
        Action   = ["lambda:GetFunctionConfiguration"]
        Resource = [local.t.failover_function_arn]
      },
      {
        Sid      = "AlarmTopicSubscriptions"
        Effect   = "Allow"
        Action   = ["sns:ListSubscriptionsByTopic"]
        Resource = [local.t.alarm_topic_arn]
      },
      {
        Sid      = "FailoverRolePermissions"
        Effect   = "Allow"
        Action   = ["iam:SimulatePrincipalPolicy"]
        Resource = [local.t.failover_role_arn]
      },
      {
        Sid      = "InstanceQuota"
        Effect   = "Allow"
        Action   = ["servicequotas:GetServiceQuota"]
        Resource = ["arn:${local.partition}:servicequotas:${local.region}:${local.account_id}:ec2/*"]
      },
      {
        Sid      = "Notify"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = [local.t.ops_topic_arn]
      },
      {
        Sid      = "OpsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [local.t.ops_kms_key_arn]
      },
      {
        Sid      = "Secret"
        Effect   = "Allow"
        Action   = ["secretsmanager:DescribeSecret"]
        Resource = [local.t.backup_secret_arn]
      },
      {
        Sid      = "AppBundle"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["arn:${local.partition}:s3:::${local.t.artifact_bucket}/${local.t.artifact_key}"]
      },
      {
        Sid      = "Metrics"
        Effect   = "Allow"
        Action   = ["cloudwatch:PutMetricData"]
        Resource = ["*"]
        Condition = {
          StringEquals = { "cloudwatch:namespace" = "Pilotlight" }
        }
      },
      {
        Sid    = "UnscopedDescribe"
        Effect = "Allow"
        Action = [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeWarmPool",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:DescribeInstanceTypes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeLoadBalancers",
          "cloudwatch:GetMetricData",
          "cloudwatch:GetMetricStatistics",
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
        ]
        Resource = ["*"]
      },
    ]
  })
}

resource "aws_lambda_function" "this" {
  function_name    = local.function_name
  description      = "pilotlight: checks that the backup region can take over, publishes readiness metrics"
  role             = aws_iam_role.this.arn
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = ["arm64"]
  memory_size      = 256
  timeout          = var.timeout_seconds
  tags             = var.tags
  #checkov:skip=CKV_AWS_116:A scheduled check: a missed run is superseded by the next one and alarmed on (readiness errors), a DLQ would hold nothing useful.
  #checkov:skip=CKV_AWS_117:The function calls AWS control-plane APIs only; a VPC would need endpoints for many services.
  #checkov:skip=CKV_AWS_173:The environment holds names only (no secrets); the default AWS-managed encryption applies.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile; the bundle is built and hashed by this repository's build.
  #checkov:skip=CKV_AWS_115:One scheduled invocation at a time; reserving concurrency would take from the account's unreserved minimum.

  environment {
    variables = {
      PILOTLIGHT_CONFIG_PARAMETER  = var.config_parameter_name
      POWERTOOLS_SERVICE_NAME      = "pilotlight-readiness"
      POWERTOOLS_METRICS_NAMESPACE = "Pilotlight"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name                = local.function_name
  description         = "Runs the pilotlight readiness check"
  schedule_expression = var.schedule_expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "ScheduleInvokes"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}
