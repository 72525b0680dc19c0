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

# One list of the function's permissions (permissions.json, beside this file), shared with the IAM
# contract tests (test/iam). Read-only and scoped to ARNs, except arming the failover (PutItem on
# the lock table) and the actions AWS does not scope (Describe* of Auto Scaling and EC2,
# GetMetricStatistics, X-Ray).
locals {
  permissions = jsondecode(file("${path.module}/permissions.json"))
  permission_resources = {
    log_group         = ["${local.log_group_arn}:*"]
    config_parameter  = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.config_parameter_name}"]
    ami_parameter     = ["arn:${local.partition}:ssm:${local.region}::parameter${local.t.ami_parameter}"]
    replica_db        = [local.t.replica_db_arn]
    health_check      = [local.t.health_check_arn]
    latch_object      = [local.t.latch_object_arn]
    latch_bucket      = [local.t.latch_bucket_arn]
    alarm             = [local.t.alarm_arn]
    lock_table        = [local.t.lock_table_arn]
    ops_key           = [local.t.ops_kms_key_arn]
    failover_function = [local.t.failover_function_arn]
    alarm_topic       = [local.t.alarm_topic_arn]
    failover_role     = [local.t.failover_role_arn]
    ec2_quotas        = ["arn:${local.partition}:servicequotas:${local.region}:${local.account_id}:ec2/*"]
    "*"               = ["*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name = "readiness"
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
