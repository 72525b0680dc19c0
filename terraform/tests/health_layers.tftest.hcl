# Health layering (docs/app.md: /health deep, /healthz shallow), at plan level with one mock provider per
# alias: Route 53 checks P's deep /health, the target groups and the Auto Scaling groups the
# shallow /healthz, each alias's evaluate_target_health is the documented choice, and P's
# database never upgrades itself into a cross-region failover. The mocks are plan.tftest.hcl's.

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

# A target group on the deep /health would mark every instance unhealthy during routine database
# maintenance or a promotion, and the group's ELB health check would replace them all.
run "app_target_group_and_group_use_shallow_healthz" {
  command = apply

  module {
    source = "./modules/app"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name              = "test-primary"
    region_role       = "primary"
    vpc_id            = "vpc-0123"
    public_subnet_ids = ["subnet-1", "subnet-2"]
    app_subnet_ids    = ["subnet-3", "subnet-4"]
    capacity          = { min = 2, max = 4, desired = 2 }
    app_bundle_path   = "tests/fixtures/placeholder.zip"
    db                = { host = "db.example.internal", port = 5432, name = "pilotlight", secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1" }
  }

  assert {
    condition     = aws_lb_target_group.this.health_check[0].path == "/healthz" && aws_lb_target_group.this.health_check[0].matcher == "200"
    error_message = "The target group must check the shallow /healthz (200 while the process is up), not the deep /health."
  }
  assert {
    condition     = aws_autoscaling_group.managed[0].health_check_type == "ELB" && aws_autoscaling_group.managed[0].target_group_arns == toset([aws_lb_target_group.this.arn])
    error_message = "The group's health check must be the target group's (so /healthz), never the deep /health."
  }
}

run "dns_route53_checks_deep_health_and_aliases_evaluate_as_documented" {
  command = apply

  module {
    source = "./modules/dns"
  }
  providers = {
    aws = aws.us_east_1
  }
  variables {
    latch                    = { bucket_domain_name = "test-latch-1.s3.eu-central-1.amazonaws.com", key = "latch-0123456789abcdef" }
    name                     = "test"
    zone_id                  = "Z0123456789TESTZONE"
    record_name              = "app.test.example.com"
    primary_alb              = { dns_name = "test-primary-alb-1.eu-west-1.elb.amazonaws.com", zone_id = "Z32O12XQLNTSW2", https = true }
    backup_alb               = { dns_name = "test-backup-alb-2.eu-central-1.elb.amazonaws.com", zone_id = "Z215JYRZR1TBD5", https = true }
    health_check             = { interval_seconds = 10, failure_threshold = 3 }
    alarm_evaluation_periods = 2
    subscriber_function_arn  = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
  }

  assert {
    condition     = aws_route53_health_check.primary.resource_path == "/health" && aws_route53_health_check.primary.search_string == "\"status\":\"ok\"" && output.health_check_resource_path == "/health"
    error_message = "Route 53 must check P's deep /health for \"status\":\"ok\"."
  }
  assert {
    # The PRIMARY's health is its health check alone: with target health on, Route 53 requires both
    # (resource-record-sets-values-failover-alias.html), a second verdict nothing else reads.
    condition     = aws_route53_record.primary.alias[0].evaluate_target_health == false && aws_route53_record.primary.health_check_id == aws_route53_health_check.primary_record.id
    error_message = "The PRIMARY alias must carry the health check and not evaluate target health."
  }
  assert {
    # With a health check and target evaluation both set the record needs both healthy
    # (dns-failover-complex-configs): target evaluation on would make B's lost targets unhealthy
    # under the latch, and Route 53 would answer the stale P. B's endpoint check on the shallow
    # path carries "B has capacity" instead: an ALB without a target answers 503.
    condition     = aws_route53_record.backup.alias[0].evaluate_target_health == false && aws_route53_record.backup.health_check_id == aws_route53_health_check.secondary_record.id
    error_message = "The SECONDARY alias must carry its calculated check and not evaluate target health."
  }
  assert {
    condition     = aws_route53_health_check.backup.resource_path == "/healthz" && aws_route53_health_check.backup.type == "HTTPS" && aws_route53_health_check.backup.port == 443 && aws_route53_health_check.backup.fqdn == var.backup_alb.dns_name
    error_message = "B's endpoint check must ask B's ALB for the shallow /healthz its target group checks (never the deep /health: B's database is read-only until the promotion finishes)."
  }
}

run "root_config_names_the_deep_path" {
  command = apply

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  assert {
    condition     = jsondecode(output.deployment_config).dns.healthCheck.resourcePath == "/health"
    error_message = "The config document must name the path Route 53 checks, read from the health check."
  }
}

# On a Multi-AZ DB instance RDS upgrades the primary and the standby at the same time, and the
# database may be unavailable for several minutes (USER_UpgradeDBInstance.PostgreSQL): longer
# than the detection window, so an automatic upgrade would fail the region over.
run "database_does_not_upgrade_itself" {
  command = plan

  module {
    source = "./modules/database"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name                  = "test"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/2" }
  }

  assert {
    condition     = aws_db_instance.this.auto_minor_version_upgrade == false && aws_db_instance.this.multi_az == true
    error_message = "P's Multi-AZ database must not apply minor version upgrades automatically."
  }
}
