# Detection from B: the probe runs in the backup region, watches P from there and reads Route 53's
# verdict from its data plane, so a failover starts even while us-east-1 (Route 53's API and its
# metrics, where the other alarm lives) is gone. Its alarm and topic are in B too.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  function_name = "${var.name}-probe"
  region        = data.aws_region.current.region
  account_id    = data.aws_caller_identity.current.account_id
  partition     = data.aws_partition.current.partition
  account       = "arn:${local.partition}:iam::${local.account_id}:root"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${local.function_name}"
  alarm_name    = "${var.name}-primary-probe-failing"
  alarm_arn     = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.alarm_name}"
  # The probe's metrics (src/functions/probe/metrics.ts): one name for one thing in code and here.
  namespace = "Pilotlight"
  metric    = "PrimaryProbeHealthy"
  # An invocation checks P every cadence_seconds for its minute, then goes on while a run of failures
  # has not reached failure_count (src/functions/probe/run.ts), so the run is never cut in two; on
  # top: a check's 6 s timeout, the health-signal read and the publishes' SDK timeouts (3 x 5 s).
  timeout_seconds = 60 - var.cadence_seconds + (var.failure_count - 1) * var.cadence_seconds + 45
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name        = local.function_name
  description = "pilotlight probe: reads its config, publishes the probe's metrics, notifies the failover through its topic"
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
# contract tests (test/iam). PutMetricData cannot be scoped to a resource; the condition limits it
# to the Pilotlight namespace.
locals {
  permissions = jsondecode(file("${path.module}/permissions.json"))
  permission_resources = {
    log_group             = ["${local.log_group_arn}:*"]
    config_parameter      = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.config_parameter_name}"]
    probe_alarm_topic     = [aws_sns_topic.alarm.arn]
    probe_alarm_topic_key = [aws_kms_key.alarm_topic.arn]
    "*"                   = ["*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name = "probe"
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
  description      = "pilotlight: checks the primary region's /health from the backup region every few seconds, publishes the results, notifies the failover after consecutive failures"
  role             = aws_iam_role.this.arn
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = ["arm64"]
  memory_size      = 256
  timeout          = local.timeout_seconds
  tags             = var.tags
  #checkov:skip=CKV_AWS_116:A scheduled probe: a missed run is superseded by the next one a minute later, a DLQ would hold nothing useful.
  #checkov:skip=CKV_AWS_117:The probe must reach P's public ALB and Route 53's name servers from outside any VPC, as Route 53's checkers do.
  #checkov:skip=CKV_AWS_173:The environment holds names only (no secrets); the default AWS-managed encryption applies.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile; the bundle is built and hashed by this repository's build.
  #checkov:skip=CKV_AWS_115:One scheduled invocation a minute (two overlap while a run of failures goes on); reserving concurrency would take from the account's unreserved minimum.

  environment {
    variables = {
      PILOTLIGHT_CONFIG_PARAMETER = var.config_parameter_name
      POWERTOOLS_SERVICE_NAME     = "pilotlight-probe"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_cloudwatch_event_rule" "probe" {
  name                = local.function_name
  description         = "Runs the pilotlight probe of the primary region every minute"
  schedule_expression = "rate(1 minute)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "probe" {
  rule = aws_cloudwatch_event_rule.probe.name
  arn  = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "probe_schedule" {
  statement_id  = "ScheduleInvokes"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.probe.arn
}

# --- the alarm in B and its topic, which notifies the failover function ---

resource "aws_kms_key" "alarm_topic" {
  description             = "${var.name}: the probe alarm topic (CloudWatch must be able to use it)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = local.account }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchPublishesEncrypted"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { ArnEquals = { "aws:SourceArn" = local.alarm_arn } }
      },
    ]
  })
}

resource "aws_sns_topic" "alarm" {
  name              = "${var.name}-primary-probe"
  kms_master_key_id = aws_kms_key.alarm_topic.arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "alarm" {
  arn = aws_sns_topic.alarm.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountManages"
        Effect    = "Allow"
        Principal = { AWS = local.account }
        Action    = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
        Resource  = aws_sns_topic.alarm.arn
      },
      {
        Sid       = "TheAlarmPublishes"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alarm.arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.alarm_arn } }
      },
    ]
  })
}

resource "aws_cloudwatch_metric_alarm" "primary_probe_failing" {
  count = var.alarm_enabled ? 1 : 0

  alarm_name          = local.alarm_name
  alarm_description   = "${var.name}: the probe in the backup region sees the primary region's /health failing; triggers the failover function."
  namespace           = local.namespace
  metric_name         = local.metric
  dimensions          = { Deployment = var.name }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = var.alarm_evaluation_periods
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  # No data is not proof of failure (a probe that did not run says nothing about P); the failover's
  # guard confirms on independent signals before acting.
  treat_missing_data = "missing"
  alarm_actions      = [aws_sns_topic.alarm.arn]
  ok_actions         = [aws_sns_topic.alarm.arn]
  tags               = var.tags
}

resource "aws_sns_topic_subscription" "failover" {
  topic_arn = aws_sns_topic.alarm.arn
  protocol  = "lambda"
  endpoint  = var.failover_function_arn
}

resource "aws_lambda_permission" "alarm_topic" {
  statement_id  = "ProbeAlarmTopicInvokes"
  action        = "lambda:InvokeFunction"
  function_name = var.failover_function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.alarm.arn
}

# --- re-evaluation: alarm actions fire once, on the state change; this re-runs the decision ---

resource "aws_cloudwatch_event_rule" "reevaluate" {
  name                = "${var.name}-reevaluate"
  description         = "Re-runs the pilotlight failover decision every minute until an open incident completes"
  schedule_expression = "rate(1 minute)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "reevaluate" {
  rule  = aws_cloudwatch_event_rule.reevaluate.name
  arn   = var.failover_function_arn
  input = jsonencode({ pilotlight = "reevaluate", deployment = var.name })
}

resource "aws_lambda_permission" "reevaluate" {
  statement_id  = "ReevaluationScheduleInvokes"
  action        = "lambda:InvokeFunction"
  function_name = var.failover_function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.reevaluate.arn
}
