# Detection from B and the re-evaluation (terraform/modules/probe), with one mock provider per
# alias (plan.tftest.hcl's mocks): the probe's schedule, its alarm in B and the topic only that alarm
# may publish to, the failover function's subscription, the re-evaluation rule's input, the
# least-privilege role; and the root's wiring (the config document's probe block, the failover
# role's DescribeAlarms on both trigger alarms).


mock_provider "aws" {
  alias = "primary"

  mock_data "aws_region" {
    defaults = { region = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:root", id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { value = "ami-0123456789abcdef0" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111" }
  }
  mock_resource "aws_db_instance" {
    defaults = { arn = "arn:aws:rds:eu-west-1:123456789012:db:test-primary", address = "test-primary.abc.eu-west-1.rds.amazonaws.com" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pilotlight/test/db-AbCdEf" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/test-primary-alb/1111", dns_name = "test-primary-alb-1.eu-west-1.elb.amazonaws.com", zone_id = "Z32O12XQLNTSW2" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/test-primary-app/1111" }
  }
  mock_resource "aws_autoscaling_group" {
    defaults = { arn = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1111:autoScalingGroupName/test-primary-app" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/test-primary-app" }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/test-primary-app" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::test-primary-artifacts-1", id = "test-primary-artifacts-1" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0primary0000000000", latest_version = 1 }
  }
}

mock_provider "aws" {
  alias = "backup"

  # the latch bucket's listing (no latch stands) and Route 53's checkers' ranges
  mock_data "aws_s3_objects" {
    defaults = { keys = [] }
  }
  mock_data "aws_ip_ranges" {
    defaults = { cidr_blocks = ["54.183.255.128/26", "15.177.0.0/18"], ipv6_cidr_blocks = ["2600:1f1c:7ff:f800::/53"] }
  }

  mock_data "aws_region" {
    defaults = { region = "eu-central-1", name = "eu-central-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:root", id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-central-1a", "eu-central-1b", "eu-central-1c"] }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { value = "ami-0fedcba9876543210" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222" }
  }
  mock_resource "aws_db_instance" {
    defaults = { arn = "arn:aws:rds:eu-central-1:123456789012:db:test-replica", address = "test-replica.abc.eu-central-1.rds.amazonaws.com" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/test-backup-alb/2222", dns_name = "test-backup-alb-2.eu-central-1.elb.amazonaws.com", zone_id = "Z215JYRZR1TBD5" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/test-backup-app/2222" }
  }
  mock_resource "aws_autoscaling_group" {
    defaults = { arn = "arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:2222:autoScalingGroupName/test-backup-app" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/test-backup" }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/test-backup-app" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::test-backup-artifacts-2", id = "test-backup-artifacts-2" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0backup00000000000", latest_version = 1 }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/test-failover-lock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-central-1:123456789012:test-ops" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-central-1:123456789012:test-failover-failures" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-central-1:123456789012:rule/test-readiness" }
  }
  mock_resource "aws_ssm_parameter" {
    defaults = { arn = "arn:aws:ssm:eu-central-1:123456789012:parameter/pilotlight/test/config" }
  }
}

mock_provider "aws" {
  alias = "us_east_1"

  # the zone's name servers (the health signal is asked of them)
  mock_data "aws_route53_zone" {
    defaults = { name_servers = ["ns-1.awsdns-01.org.", "ns-2.awsdns-02.co.uk."] }
  }

  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:root", id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/33333333-3333-3333-3333-333333333333" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:test-primary-health" }
  }
  mock_resource "aws_sns_topic_subscription" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:test-primary-health:44444444-4444-4444-4444-444444444444" }
  }
  mock_resource "aws_route53_health_check" {
    defaults = { id = "abcdef01-2345-6789-abcd-ef0123456789", arn = "arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789" }
  }
  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = { arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:test-primary-unhealthy" }
  }
}

variables {
  deployment             = "test"
  regions                = { primary = "eu-west-1", backup = "eu-central-1" }
  dns_zone_id            = "Z0123456789TESTZONE"
  record_name            = "app.test.example.com"
  operator_arns          = ["arn:aws:iam::123456789012:role/test-operator"]
  app_bundle_path        = "tests/fixtures/placeholder.zip"
  failover_package_path  = "tests/fixtures/placeholder.zip"
  readiness_package_path = "tests/fixtures/placeholder.zip"
  probe_package_path     = "tests/fixtures/placeholder.zip"
  certificate_arns = {
    primary = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000001"
    backup  = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000002"
  }
}

run "probe_module" {
  command = apply

  module {
    source = "./modules/probe"
  }
  providers = {
    aws = aws.backup
  }

  variables {
    name                     = "test"
    package_path             = "tests/fixtures/placeholder.zip"
    config_parameter_name    = "/pilotlight/test/config"
    failover_function_arn    = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
    failover_function_name   = "test-failover"
    alarm_evaluation_periods = 3
    log_kms_key_arn          = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
  }

  # the probe every minute (config probe.scheduleSeconds = 60); an invocation checks P for its minute
  # and goes on up to failure_count - 1 checks: 60 - 10 + 2 x 10, plus 45 s of request timeouts
  assert {
    condition     = aws_lambda_function.this.timeout == 115
    error_message = "the probe's timeout must cover its minute, a run of failures across its end and the requests' timeouts: ${aws_lambda_function.this.timeout}"
  }
  assert {
    condition     = aws_cloudwatch_event_rule.probe.schedule_expression == "rate(1 minute)" && aws_cloudwatch_event_target.probe.arn == aws_lambda_function.this.arn
    error_message = "the probe must run every minute"
  }
  assert {
    condition     = aws_lambda_permission.probe_schedule.principal == "events.amazonaws.com" && aws_lambda_permission.probe_schedule.source_arn == aws_cloudwatch_event_rule.probe.arn
    error_message = "only the probe's rule may invoke the probe"
  }

  # the alarm: the probe's metric of this deployment, Minimum < 1 for N one-minute periods, missing data is not failure
  assert {
    condition = alltrue([
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].alarm_name == "test-primary-probe-failing",
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].namespace == "Pilotlight",
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].metric_name == "PrimaryProbeHealthy",
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].dimensions == tomap({ Deployment = "test" }),
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].statistic == "Minimum",
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].comparison_operator == "LessThanThreshold",
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].threshold == 1,
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].period == 60,
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].evaluation_periods == 3,
      aws_cloudwatch_metric_alarm.primary_probe_failing[0].treat_missing_data == "missing",
    ])
    error_message = "the probe alarm must watch PrimaryProbeHealthy of this deployment: Minimum < 1 for alarm_evaluation_periods minutes, missing data not breaching"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.primary_probe_failing[0].alarm_actions == toset([aws_sns_topic.alarm.arn])
    error_message = "the probe alarm must notify its topic"
  }

  # the topic: encrypted, and only this alarm publishes (besides the account)
  assert {
    condition     = aws_sns_topic.alarm.kms_master_key_id == aws_kms_key.alarm_topic.arn
    error_message = "the probe alarm topic must be encrypted with its own key"
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_sns_topic_policy.alarm.policy).Statement :
      s.Principal == { AWS = "arn:aws:iam::123456789012:root" } || (
        s.Principal == { Service = "cloudwatch.amazonaws.com" } && s.Action == "sns:Publish" &&
        try(s.Condition, null) == { ArnEquals = { "aws:SourceArn" = "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:test-primary-probe-failing" } }
      )
    ])
    error_message = "only the probe alarm (and the account) may publish to the probe alarm topic"
  }

  # the failover function is subscribed and may be invoked by that topic only
  assert {
    condition     = aws_sns_topic_subscription.failover.protocol == "lambda" && aws_sns_topic_subscription.failover.endpoint == "arn:aws:lambda:eu-central-1:123456789012:function:test-failover" && aws_sns_topic_subscription.failover.topic_arn == aws_sns_topic.alarm.arn
    error_message = "the failover function must be subscribed to the probe alarm topic"
  }
  assert {
    condition     = aws_lambda_permission.alarm_topic.function_name == "test-failover" && aws_lambda_permission.alarm_topic.principal == "sns.amazonaws.com" && aws_lambda_permission.alarm_topic.source_arn == aws_sns_topic.alarm.arn
    error_message = "the probe alarm topic must be allowed to invoke the failover function"
  }

  # the re-evaluation: every minute, the failover function, with the input that names the deployment
  assert {
    condition     = aws_cloudwatch_event_rule.reevaluate.schedule_expression == "rate(1 minute)" && aws_cloudwatch_event_target.reevaluate.arn == "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
    error_message = "the re-evaluation must invoke the failover function every minute"
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_target.reevaluate.input) == { pilotlight = "reevaluate", deployment = "test" }
    error_message = "the re-evaluation input must be {\"pilotlight\":\"reevaluate\",\"deployment\":\"test\"} (src/functions/failover/reevaluate.ts)"
  }
  assert {
    condition     = aws_lambda_permission.reevaluate.function_name == "test-failover" && aws_lambda_permission.reevaluate.principal == "events.amazonaws.com" && aws_lambda_permission.reevaluate.source_arn == aws_cloudwatch_event_rule.reevaluate.arn
    error_message = "only the re-evaluation rule may invoke the failover function through EventBridge"
  }

  # least privilege: logs of its own group, its config parameter, PutMetricData in Pilotlight only,
  # Publish to its own alarm topic only (the direct notification) with that topic's key, tracing
  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement == [
      { Sid = "Logs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/test-probe:*"] },
      { Sid = "ReadConfig", Effect = "Allow", Action = ["ssm:GetParameter"], Resource = ["arn:aws:ssm:eu-central-1:123456789012:parameter/pilotlight/test/config"] },
      { Sid = "PublishProbeMetrics", Effect = "Allow", Action = ["cloudwatch:PutMetricData"], Resource = ["*"], Condition = { StringEquals = { "cloudwatch:namespace" = "Pilotlight" } } },
      { Sid = "NotifyFailover", Effect = "Allow", Action = ["sns:Publish"], Resource = [aws_sns_topic.alarm.arn] },
      { Sid = "EncryptNotification", Effect = "Allow", Action = ["kms:GenerateDataKey", "kms:Decrypt"], Resource = [aws_kms_key.alarm_topic.arn] },
      { Sid = "Tracing", Effect = "Allow", Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource = ["*"] },
    ]
    error_message = "the probe role must hold exactly its permissions.json, scoped"
  }
}

run "probe_alarm_gated_off_for_the_emulator" {
  command = plan

  module {
    source = "./modules/probe"
  }
  providers = {
    aws = aws.backup
  }

  variables {
    name                   = "test"
    package_path           = "tests/fixtures/placeholder.zip"
    config_parameter_name  = "/pilotlight/test/config"
    failover_function_arn  = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
    failover_function_name = "test-failover"
    alarm_enabled          = false
    log_kms_key_arn        = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.primary_probe_failing) == 0 && aws_sns_topic_subscription.failover.endpoint != ""
    error_message = "alarm_enabled = false leaves out the alarm only"
  }
}

run "root_wires_the_probe" {
  command = apply

  variables {
    probe_alarm_evaluation_periods = 1
  }

  assert {
    condition = jsondecode(output.deployment_config).probe == {
      functionName    = "test-probe"
      scheduleSeconds = 60
      cadenceSeconds  = 10
      failureCount    = 3
      target          = { url = "https://test-primary-alb-1.eu-west-1.elb.amazonaws.com/health", searchString = "\"status\":\"ok\"" }
      timeoutMs       = 6000
      alarm = {
        name              = "test-primary-probe-failing"
        region            = "eu-central-1"
        topicArn          = "arn:aws:sns:eu-central-1:123456789012:test-ops"
        evaluationPeriods = 1
        periodSeconds     = 60
      }
    }
    error_message = "the config document's probe block must name the probe, P's deep /health over HTTPS and the alarm in B"
  }
  assert {
    condition     = module.probe.alarm_arn == "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:test-primary-probe-failing"
    error_message = "the probe alarm lives in B"
  }
}

run "failover_role_reads_both_trigger_alarms" {
  command = apply

  module {
    source = "./modules/failover"
  }
  providers = {
    aws = aws.backup
  }

  variables {
    latch                 = { object_arn = "arn:aws:s3:::test-latch-1/latch-0123456789abcdef", bucket_arn = "arn:aws:s3:::test-latch-1" }
    name                  = "test"
    package_path          = "tests/fixtures/placeholder.zip"
    config_parameter_name = "/pilotlight/test/config"
    alarm_topic_arn       = "arn:aws:sns:us-east-1:123456789012:test-primary-health"
    alarm_arn             = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:test-primary-unhealthy"
    probe_alarm_arn       = "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:test-primary-probe-failing"
    health_check_arn      = "arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789"
    replica_db_arn        = "arn:aws:rds:eu-central-1:123456789012:db:test-replica"
    primary_db_arn        = "arn:aws:rds:eu-west-1:123456789012:db:test-primary"
    backup_asg_arn        = "arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:2222:autoScalingGroupName/test-backup-app"
    primary_asg_arn       = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1111:autoScalingGroupName/test-primary-app"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s if contains(s.Action, "cloudwatch:DescribeAlarms")] == [{
      Sid      = "ReadTriggerAlarms"
      Effect   = "Allow"
      Action   = ["cloudwatch:DescribeAlarms"]
      Resource = ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:test-primary-unhealthy", "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:test-primary-probe-failing"]
    }]
    error_message = "the failover role must read both trigger alarms' states, and nothing else with DescribeAlarms"
  }
}

run "probe_target_url_override_must_be_a_url" {
  command = plan

  variables {
    probe_target_url = "127.0.0.1:18080"
  }

  expect_failures = [var.probe_target_url]
}

run "probe_alarm_evaluation_periods_in_range" {
  command = plan

  variables {
    probe_alarm_evaluation_periods = 11
  }

  expect_failures = [var.probe_alarm_evaluation_periods]
}

run "probe_cadence_divides_the_minute_and_failure_count_in_range" {
  command = plan

  variables {
    probe_cadence_seconds = 25
    probe_failure_count   = 0
  }

  expect_failures = [var.probe_cadence_seconds, var.probe_failure_count]
}
