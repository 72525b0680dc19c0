# Route 53 is global, and its health-check metrics live only in us-east-1: this module runs with
# the us-east-1 provider, so the alarm, its topic and the topic's key sit next to the metric.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  health_signal_name = coalesce(var.health_signal_name, "_pilotlight-health.${trimsuffix(var.record_name, ".")}")
  latch_signal_name  = "_pilotlight-latch.${trimsuffix(var.record_name, ".")}"
  # What makes the provider replace the PRIMARY's checks (ForceNew: type, request_interval,
  # measure_latency). The latch key carries it (the root module), so a latch written for these
  # checks names them, and the root module refuses a plan that would replace them under a latch.
  # The SECONDARY's checks are not in it: replacing them under a latch unlatches nothing. A new
  # check counts as healthy until Route 53 has data ("How Amazon Route 53 determines whether a
  # health check is healthy"), the healthy direction for the SECONDARY, and the latch-set check
  # reads the same key; a new inverted latch check, healthy too, would put P back in DNS.
  checks_fingerprint = substr(sha256(jsonencode({
    endpoint = { type = var.primary_alb.https ? "HTTPS_STR_MATCH" : "HTTP_STR_MATCH", request_interval = var.health_check.interval_seconds, measure_latency = false }
    latch    = { type = "HTTPS", request_interval = 30, measure_latency = false }
    record   = { type = "CALCULATED", child_health_threshold = 2 }
  })), 0, 16)
  alarm_name = "${var.name}-primary-unhealthy"
  alarm_arn  = "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:${local.alarm_name}"
  account    = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

resource "aws_route53_health_check" "primary" {
  fqdn              = var.primary_alb.dns_name
  type              = var.primary_alb.https ? "HTTPS_STR_MATCH" : "HTTP_STR_MATCH"
  port              = var.primary_alb.https ? 443 : 80
  resource_path     = var.health_check.resource_path
  search_string     = var.health_check.search_string
  request_interval  = var.health_check.interval_seconds
  failure_threshold = var.health_check.failure_threshold
  # Never inverted, and an apply sets back an inversion by hand (it would flip Route 53's verdict
  # on P): a drill fails P for real. The latch is not here: it is the latch object, read by the
  # latch check below.
  invert_healthcheck = false
  tags               = merge(var.tags, { Name = "${var.name}-primary" })
}

# The latch check: HTTPS GET of the latch object in B, inverted. An object present answers 200
# (healthy, inverted: unhealthy, the PRIMARY latched out); absent it answers 403/404, and an
# unreachable B fails the check too: both read healthy once inverted, so losing B never fails P
# over (Route 53 Developer Guide, "Values that you specify when you create or update health
# checks": Invert health check status).
resource "aws_route53_health_check" "latch" {
  fqdn               = var.latch.bucket_domain_name
  type               = "HTTPS"
  port               = 443
  resource_path      = "/${var.latch.key}"
  enable_sni         = true
  invert_healthcheck = true
  request_interval   = 30
  # One failed read is enough either way: the object is written once per incident, and S3 answers
  # the checkers' GETs strongly consistently (S3 User Guide, "Amazon S3 data consistency model").
  failure_threshold = 1
  tags              = merge(var.tags, { Name = "${var.name}-latch" })
}

# The PRIMARY record's check: healthy while P's endpoint check is healthy and no latch stands
# (CALCULATED, both children: HealthThreshold 2, API_HealthCheckConfig).
resource "aws_route53_health_check" "primary_record" {
  type                   = "CALCULATED"
  child_healthchecks     = [aws_route53_health_check.primary.id, aws_route53_health_check.latch.id]
  child_health_threshold = 2
  tags                   = merge(var.tags, { Name = "${var.name}-primary-record" })
}

resource "aws_route53_record" "primary" {
  zone_id         = var.zone_id
  name            = var.record_name
  type            = "A"
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.primary_record.id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name    = var.primary_alb.dns_name
    zone_id = var.primary_alb.zone_id
    # Off: the PRIMARY is healthy exactly when its health check is, the one signal the alarm, the
    # guard and the latch reason about. That check already asks P's ALB for the deep /health, so an
    # ALB without a healthy target fails it (503) too; target health would add a second verdict,
    # from the shallow /healthz, that nothing in the failover path can read.
    evaluate_target_health = false
  }
}

# The health signal: Route 53's verdict on P's endpoint check, readable from its data plane (the
# zone's name servers), which answers while us-east-1 (the API and its metrics) is gone. A failover
# TXT pair: the PRIMARY, with the endpoint check, answers "primary-healthy"; the SECONDARY, with no
# check and so always healthy, "primary-unhealthy" (src/core/route53.ts HEALTH_SIGNAL_VALUES).
resource "aws_route53_record" "health_signal_primary" {
  zone_id         = var.zone_id
  name            = local.health_signal_name
  type            = "TXT"
  ttl             = 10
  records         = ["primary-healthy"]
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.primary.id

  failover_routing_policy {
    type = "PRIMARY"
  }
}

resource "aws_route53_record" "health_signal_secondary" {
  zone_id        = var.zone_id
  name           = local.health_signal_name
  type           = "TXT"
  ttl            = 10
  records        = ["primary-unhealthy"]
  set_identifier = "secondary"

  failover_routing_policy {
    type = "SECONDARY"
  }
}

# The latch signal: Route 53's verdict on the inverted latch check, from its data plane. The same
# pair shape: the PRIMARY, with the latch check, answers "latch-open" while that check is healthy
# (no latch seen); the SECONDARY "latch-holding" (src/core/route53.ts LATCH_SIGNAL_VALUES).
# Readiness compares it with the latch object: an object present while the pair answers
# "latch-open" is a latch that failed open (S3 in B down, or the checkers' ranges moved).
resource "aws_route53_record" "latch_signal_primary" {
  zone_id         = var.zone_id
  name            = local.latch_signal_name
  type            = "TXT"
  ttl             = 10
  records         = ["latch-open"]
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.latch.id

  failover_routing_policy {
    type = "PRIMARY"
  }
}

resource "aws_route53_record" "latch_signal_secondary" {
  zone_id        = var.zone_id
  name           = local.latch_signal_name
  type           = "TXT"
  ttl            = 10
  records        = ["latch-holding"]
  set_identifier = "secondary"

  failover_routing_policy {
    type = "SECONDARY"
  }
}

# The zone's authoritative name servers, which the probe and the guard ask for the health signal.
data "aws_route53_zone" "this" {
  count   = var.health_signal_name_servers == null ? 1 : 0
  zone_id = var.zone_id
}

# The SECONDARY's check: healthy while the latch is set OR B answers (CALCULATED, HealthThreshold
# 1 of 2). Route 53 answers the PRIMARY when no record is healthy (health-checks-how-route-53-
# chooses-records; API_ResourceRecordSet, Failover), so after a failover the SECONDARY must stay
# healthy whatever B's targets do, or an instance refresh, a crash or an AZ event in B sends users
# back to the latched, fenced, stale P. The latch child holds it once the failover has latched.
#
# Before the latch, B's endpoint check decides alone. At rest B's group is at zero and its ALB,
# with no target, answers 503: the SECONDARY is unhealthy, and with P unhealthy too no record is,
# so Route 53 answers the PRIMARY as if all were: a P that is only flapping, or riding out an
# in-region recovery while the guard holds, keeps its traffic instead of every client being sent
# to an empty ALB in B. Once the failover launched capacity, B answers and Route 53 can answer B
# while the promotion runs.
resource "aws_route53_health_check" "latch_set" {
  # The same latch object as the latch check, not inverted: 200 while it exists (healthy), 403/404
  # once removed or an unreachable B (unhealthy: no latch to hold B with).
  fqdn               = var.latch.bucket_domain_name
  type               = "HTTPS"
  port               = 443
  resource_path      = "/${var.latch.key}"
  enable_sni         = true
  invert_healthcheck = false
  request_interval   = 30
  failure_threshold  = 1
  tags               = merge(var.tags, { Name = "${var.name}-latch-set" })
}

# B answers: the shallow path of B's ALB, the one its target group checks (/healthz: the process is
# up), not the deep /health. Before the latch it must read "B has capacity" (an ALB without a
# target answers 503 on any path) and not "B's database is writable", which it is not until the
# promotion finishes: the deep path would hold B out of DNS for the whole promotion. After the
# latch B must stay the answer whatever B's database does, and the latch child already holds it.
resource "aws_route53_health_check" "backup" {
  fqdn              = var.backup_alb.dns_name
  type              = var.backup_alb.https ? "HTTPS" : "HTTP"
  port              = var.backup_alb.https ? 443 : 80
  resource_path     = var.backup_alb.health_check_path
  enable_sni        = var.backup_alb.https ? true : null
  request_interval  = var.health_check.interval_seconds
  failure_threshold = var.health_check.failure_threshold
  # never inverted: an inverted B check would hold B in DNS while B does not answer
  invert_healthcheck = false
  tags               = merge(var.tags, { Name = "${var.name}-backup" })
}

resource "aws_route53_health_check" "secondary_record" {
  type                   = "CALCULATED"
  child_healthchecks     = [aws_route53_health_check.latch_set.id, aws_route53_health_check.backup.id]
  child_health_threshold = 1
  tags                   = merge(var.tags, { Name = "${var.name}-secondary-record" })

  # A replacement (new children) points the record at the new check before the old one goes: the
  # record never names a deleted check (Terraform makes the children create-before-destroy too).
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "backup" {
  zone_id         = var.zone_id
  name            = var.record_name
  type            = "A"
  set_identifier  = "backup"
  health_check_id = aws_route53_health_check.secondary_record.id

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name    = var.backup_alb.dns_name
    zone_id = var.backup_alb.zone_id
    # Off: with a health check and target evaluation both set, the record is healthy only when both
    # are (dns-failover-complex-configs, "What happens when you associate a health check with an
    # alias record?"). On, B losing its last healthy target would make the SECONDARY unhealthy
    # under the latch: both records unhealthy, Route 53 answers the stale P. B's endpoint check
    # already carries "B has capacity" for the time before the latch.
    evaluate_target_health = false
  }
}

resource "aws_kms_key" "alarm_topic" {
  description             = "${var.name}: the primary-health alarm topic (CloudWatch must be able to use it)"
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
  name              = "${var.name}-primary-health"
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

resource "aws_cloudwatch_metric_alarm" "primary_unhealthy" {
  count = var.alarm_enabled ? 1 : 0

  alarm_name          = local.alarm_name
  alarm_description   = "${var.name}: Route 53 sees the primary region's /health failing; triggers the failover function."
  namespace           = "AWS/Route53"
  metric_name         = "HealthCheckStatus"
  dimensions          = { HealthCheckId = aws_route53_health_check.primary.id }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = var.alarm_evaluation_periods
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  # No data is not proof of failure: the function's guard confirms with Route 53 before acting.
  treat_missing_data = "missing"
  alarm_actions      = [aws_sns_topic.alarm.arn]
  ok_actions         = [aws_sns_topic.alarm.arn]
  tags               = var.tags
}

# Cross-region delivery: the topic here (us-east-1) to the failover function in the backup region.
resource "aws_sns_topic_subscription" "failover" {
  topic_arn = aws_sns_topic.alarm.arn
  protocol  = "lambda"
  endpoint  = var.subscriber_function_arn
}
