data "aws_region" "current" {}

locals {
  region = data.aws_region.current.region
  count  = var.enabled ? 1 : 0
  # The readiness function publishes once a run: its alarms' period is the schedule's interval, so
  # that each period holds one run (a shorter one leaves most periods without data).
  readiness_rate = regex("^rate\\(([0-9]+) (minute|hour|day)s?\\)$", var.readiness_schedule)
  readiness_period_seconds = tonumber(local.readiness_rate[0]) * {
    minute = 60, hour = 3600, day = 86400
  }[local.readiness_rate[1]]
  alarms = {
    failover-errors = {
      description = "The failover function failed (it retries; a human should look now)."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = var.failover_function_name }
      statistic   = "Sum"
      threshold   = 0
      period      = 60
      periods     = 1
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    failover-failed = {
      description = "A failover event exhausted its retries and landed in the failure queue: run the failover with the CLI."
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = var.failure_queue_name }
      statistic   = "Maximum"
      threshold   = 0
      period      = 60
      periods     = 1
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    replica-lag = {
      description = "The replica lags more than the RPO bound."
      namespace   = "AWS/RDS"
      metric      = "ReplicaLag"
      dimensions  = { DBInstanceIdentifier = var.replica_db_instance_id }
      statistic   = "Maximum"
      threshold   = var.replica_lag_seconds_max
      period      = 60
      periods     = 5
      comparison  = "GreaterThanThreshold"
      missing     = "missing"
    }
    readiness-failed = {
      description = "The readiness check found the backup region unable to take over."
      namespace   = "Pilotlight"
      metric      = var.readiness_metric.name
      dimensions  = var.readiness_metric.dimensions
      statistic   = "Minimum"
      threshold   = 1
      period      = local.readiness_period_seconds
      periods     = 2
      comparison  = "LessThanThreshold"
      missing     = "breaching"
    }
    # The guard refuses while something it cannot rule out may hide a real outage (the latch
    # unreadable, P's check inverted by hand, no Route 53 verdict, B's probe disagreeing with
    # Route 53): the failover function publishes GuardBlocked on each such refusal, once a minute
    # while a trigger alarm stays in ALARM (the re-evaluation), and a human decides.
    guard-blocked = {
      description = "The failover guard keeps refusing for a reason that may hide a real outage (see the failover function's log: code latch-unknown, inverted, no-route53-verdict or probe-sees-healthy). Decide: pilotlight status, then fix the signal or pilotlight approve."
      namespace   = "Pilotlight"
      metric      = "GuardBlocked"
      dimensions  = { service = "pilotlight-failover" }
      statistic   = "Sum"
      threshold   = 0
      period      = 60
      periods     = var.guard_blocked_minutes
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    readiness-errors = {
      description = "The readiness function itself fails."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = var.readiness_function_name }
      statistic   = "Sum"
      threshold   = 0
      period      = local.readiness_period_seconds
      periods     = 2
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = { for k, v in local.alarms : k => v if var.enabled }

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = "${var.name}: ${each.value.description}"
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = each.value.periods
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing
  alarm_actions       = [var.ops_topic_arn]
  ok_actions          = [var.ops_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_dashboard" "this" {
  count = local.count

  dashboard_name = "${var.name}-pilotlight"
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "alarm", x = 0, y = 0, width = 24, height = 3
        properties = {
          title  = "pilotlight ${var.name}"
          alarms = [for a in aws_cloudwatch_metric_alarm.this : a.arn]
        }
      },
      {
        type = "metric", x = 0, y = 3, width = 12, height = 6
        properties = {
          title   = "Replica lag (s)"
          region  = local.region
          stat    = "Maximum"
          period  = 60
          metrics = [["AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", var.replica_db_instance_id]]
          annotations = {
            horizontal = [{ label = "RPO bound", value = var.replica_lag_seconds_max }]
          }
        }
      },
      {
        type = "metric", x = 12, y = 3, width = 12, height = 6
        properties = {
          title  = "Readiness"
          region = local.region
          stat   = "Maximum"
          period = local.readiness_period_seconds
          metrics = [
            concat(["Pilotlight", var.readiness_metric.name], flatten([for k, v in var.readiness_metric.dimensions : [k, v]])),
          ]
        }
      },
      {
        type = "metric", x = 0, y = 9, width = 12, height = 6
        properties = {
          title  = "Functions: invocations and errors"
          region = local.region
          stat   = "Sum"
          period = 300
          metrics = [
            ["AWS/Lambda", "Invocations", "FunctionName", var.failover_function_name],
            ["AWS/Lambda", "Errors", "FunctionName", var.failover_function_name],
            ["AWS/Lambda", "Invocations", "FunctionName", var.readiness_function_name],
            ["AWS/Lambda", "Errors", "FunctionName", var.readiness_function_name],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 9, width = 12, height = 6
        properties = {
          title  = "Backup capacity"
          region = local.region
          stat   = "Maximum"
          period = 60
          metrics = [
            ["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", var.backup_asg_name],
            ["AWS/AutoScaling", "GroupDesiredCapacity", "AutoScalingGroupName", var.backup_asg_name],
          ]
        }
      },
    ]
  })
}
