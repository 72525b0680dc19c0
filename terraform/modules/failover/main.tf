data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  function_name = "${var.name}-failover"
  region        = data.aws_region.current.region
  account_id    = data.aws_caller_identity.current.account_id
  partition     = data.aws_partition.current.partition
  parameter_arn = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.config_parameter_name}"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${local.function_name}"
}

# One key for this deployment's operational data in the backup region: lock table, ops topic,
# failure queue and the functions' logs.
resource "aws_kms_key" "ops" {
  description             = "${var.name}: failover lock table, ops topic, failure queue and function logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchAlarmsPublishToOpsTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "LogsEncryptFunctionLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${var.name}-*" }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "ops" {
  name          = "alias/${var.name}-ops"
  target_key_id = aws_kms_key.ops.key_id
}

# --- the lock: exactly one failover proceeds per deployment ---

resource "aws_dynamodb_table" "lock" {
  name                        = "${var.name}-failover-lock"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "deployment"
  deletion_protection_enabled = false
  tags                        = var.tags

  attribute {
    name = "deployment"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.ops.arn
  }
}

# --- notifications ---

resource "aws_sns_topic" "ops" {
  name              = "${var.name}-ops"
  kms_master_key_id = aws_kms_key.ops.arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "ops_email" {
  for_each = toset(var.ops_emails)

  topic_arn = aws_sns_topic.ops.arn
  protocol  = "email"
  endpoint  = each.value
}

# Where a failover lands after its retries: kept 14 days for a human to read and replay.
resource "aws_sqs_queue" "failures" {
  name                      = "${var.name}-failover-failures"
  message_retention_seconds = 1209600
  kms_master_key_id         = aws_kms_key.ops.arn
  tags                      = var.tags
}

# --- the function ---

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.ops.arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name        = local.function_name
  description = "pilotlight failover function: promote the replica, scale the backup, latch DNS"
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

# One list of the function's permissions (permissions.json, beside this file), shared with the
# readiness check of this role and the function's error hints. Every statement names its
# resources, except the few actions AWS does not scope (Describe* of Auto Scaling, Elastic Load
# Balancing's DescribeTargetHealth, RDS's DescribeEvents, X-Ray, GetMetricStatistics,
# PutMetricData: the latter limited to the Pilotlight namespace).
locals {
  permissions = jsondecode(file("${path.module}/permissions.json"))
  permission_resources = {
    log_group        = ["${local.log_group_arn}:*"]
    config_parameter = [local.parameter_arn]
    lock_table       = [aws_dynamodb_table.lock.arn]
    ops_key          = [aws_kms_key.ops.arn]
    ops_topic        = [aws_sns_topic.ops.arn]
    failure_queue    = [aws_sqs_queue.failures.arn]
    replica_db       = [var.replica_db_arn]
    primary_db       = [var.primary_db_arn]
    backup_asg       = [var.backup_asg_arn]
    primary_asg      = [var.primary_asg_arn]
    health_check     = [var.health_check_arn]
    latch_object     = [var.latch.object_arn]
    latch_bucket     = [var.latch.bucket_arn]
    trigger_alarms   = [var.alarm_arn, var.probe_alarm_arn]
    "*"              = ["*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name = "failover"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for s in local.permissions.statements : merge(
      { Sid = s.sid, Effect = "Allow", Action = s.actions, Resource = local.permission_resources[s.resource] },
      can(s.condition) ? { Condition = s.condition } : {},
    )]
  })
}

resource "aws_lambda_function" "this" {
  function_name    = local.function_name
  description      = "pilotlight: fails the deployment over to this region when the primary-health alarm fires"
  role             = aws_iam_role.this.arn
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = ["arm64"]
  memory_size      = 256
  timeout          = var.timeout_seconds
  tags             = var.tags
  #checkov:skip=CKV_AWS_116:Failures go to an on-failure destination (aws_lambda_function_event_invoke_config), which keeps the error context a DLQ loses.
  #checkov:skip=CKV_AWS_117:The function calls AWS control-plane APIs only; a VPC would need endpoints for seven services in the backup region and adds a failure mode during a failover.
  #checkov:skip=CKV_AWS_173:The environment holds names only (no secrets); the default AWS-managed encryption applies.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile; the bundle is built and hashed by this repository's build.
  #checkov:skip=CKV_AWS_115:Reserved concurrency would have to leave the account's unreserved minimum; the lock table, not concurrency, makes exactly one failover proceed.

  environment {
    variables = {
      PILOTLIGHT_CONFIG_PARAMETER  = var.config_parameter_name
      POWERTOOLS_SERVICE_NAME      = "pilotlight-failover"
      POWERTOOLS_METRICS_NAMESPACE = "Pilotlight"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }
}

# --- the cross-region trigger: the topic in us-east-1 delivers to the function here. The
# subscription itself is made in the topic's region (module dns); this is the function's side. ---

resource "aws_lambda_permission" "alarm_topic" {
  statement_id  = "AlarmTopicInvokes"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = var.alarm_topic_arn
}
