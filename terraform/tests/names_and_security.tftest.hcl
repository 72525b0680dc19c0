# Names, versions and secrets that AWS rejects or must not see, proven at plan level with mock
# providers (the provider's own argument validation still runs): each rule has an expect_failures
# run for a bad value and a plan at its boundary whose derived names are asserted. The mock
# providers are those of plan.tftest.hcl.

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
  # 18 characters, the longest deployment name: its artifact bucket prefix
  # pilotlight-shop-eu-primary-artifacts- has the 37 characters the provider's bucket_prefix takes.
  deployment = "pilotlight-shop-eu"
}

# === the deployment name (root) ===

# The whole root module plans with the longest name (the provider validates every name it builds:
# ALB and target group names, bucket and IAM prefixes, RDS identifiers and parameter group
# prefixes), with the oldest PostgreSQL allowed, and with HTTPS (certificates given).
run "deployment_name_at_max_length_plans" {
  command = plan

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  variables {
    db_engine_version = "14"
  }

  # Lambda function and IAM role names: 64 characters.
  assert {
    condition     = alltrue([for n in [module.failover.function_name, module.readiness.function_name] : length(n) <= 64 && !endswith(n, "-")])
    error_message = "The function names must have at most 64 characters and not end in a hyphen."
  }
  # RDS DB instance identifiers: 1 to 63 letters, digits, hyphens; no trailing or double hyphen.
  assert {
    condition     = alltrue([for n in [module.database.db_instance_id, module.database_replica.db_instance_id] : can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", n)) && !strcontains(n, "--")])
    error_message = "The DB instance identifiers must be legal RDS identifiers: ${module.database.db_instance_id}, ${module.database_replica.db_instance_id}."
  }
  assert {
    condition     = module.app_primary.autoscaling_group_name == "pilotlight-shop-eu-primary-app" && module.app_backup.autoscaling_group_name == "pilotlight-shop-eu-backup-app"
    error_message = "The groups are named <deployment>-<role>-app, uncut."
  }
  assert {
    condition     = module.database.engine_version == "14"
    error_message = "PostgreSQL 14 is the oldest version allowed and must plan."
  }
  assert {
    condition     = module.app_primary.alb_https && module.app_backup.alb_https
    error_message = "With certificates both ALBs must serve HTTPS."
  }
}

# One character over: <deployment>-primary-artifacts- would exceed the 37 of bucket_prefix.
run "rejects_deployment_name_over_18" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment = "pilotlight-shop-eu1"
  }
  expect_failures = [var.deployment]
}

# 23 characters: cut to 32, <deployment>-primary-alb ended in "-" (CreateLoadBalancer: a name must
# not end with a hyphen). Names are no longer cut; the length rule refuses it.
run "rejects_deployment_name_whose_alb_name_was_cut_to_a_hyphen" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment = "pilotlight-shop-eu-west"
  }
  expect_failures = [var.deployment]
}

# RDS: identifiers and parameter group names contain no two consecutive hyphens.
run "rejects_deployment_name_double_hyphen" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment = "shop--eu"
  }
  expect_failures = [var.deployment]
}

# CreateLoadBalancer: a name must not begin with "internal-".
run "rejects_deployment_name_internal" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment = "internal"
  }
  expect_failures = [var.deployment]
}

# CreateSecurityGroup: a group name cannot start with "sg-".
run "rejects_deployment_name_sg" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment = "sg-shop"
  }
  expect_failures = [var.deployment]
}

# S3 bucket naming rules: no bucket name begins with "sthree-".
run "rejects_deployment_name_sthree" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment = "sthree"
  }
  expect_failures = [var.deployment]
}

# S3 bucket naming rules: no bucket name begins with "amzn-s3-demo-".
run "rejects_deployment_name_amzn_s3_demo" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment = "amzn-s3-demo"
  }
  expect_failures = [var.deployment]
}

# === names built in the modules ===

# The app module's longest name (the 18-character deployment plus "-primary"): every name it
# builds, asserted against its AWS rule.
run "app_names_at_max_length" {
  command = plan
  module {
    source = "./modules/app"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name              = "pilotlight-shop-eu-primary"
    region_role       = "primary"
    vpc_id            = "vpc-0123"
    public_subnet_ids = ["subnet-1", "subnet-2"]
    app_subnet_ids    = ["subnet-3", "subnet-4"]
    capacity          = { min = 0, max = 0, desired = 0 }
    db                = { host = "db.example.internal", port = 5432, name = "pilotlight", secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1" }
  }

  # CreateLoadBalancer / CreateTargetGroup: at most 32 alphanumerics or hyphens, no hyphen first
  # or last, and (load balancer) not beginning with "internal-".
  assert {
    condition     = alltrue([for n in [aws_lb.this.name, aws_lb_target_group.this.name] : can(regex("^[a-zA-Z0-9][a-zA-Z0-9-]{0,30}[a-zA-Z0-9]$", n))]) && !startswith(aws_lb.this.name, "internal-")
    error_message = "ALB and target group names must be legal: ${aws_lb.this.name}, ${aws_lb_target_group.this.name}."
  }
  assert {
    condition     = aws_lb.this.name == "pilotlight-shop-eu-primary-alb" && aws_lb_target_group.this.name == "pilotlight-shop-eu-primary-app"
    error_message = "The names are built whole, never cut."
  }
  # The provider's bucket_prefix: at most 37 characters (63 minus its 26-character suffix).
  assert {
    condition     = length(aws_s3_bucket.artifacts.bucket_prefix) <= 37 && can(regex("^[a-z0-9][a-z0-9-]*$", aws_s3_bucket.artifacts.bucket_prefix))
    error_message = "The bucket prefix ${aws_s3_bucket.artifacts.bucket_prefix} must have at most 37 lowercase characters."
  }
  # IAM role names: 64 characters, so a name_prefix has at most 38 (64 minus the 26-character suffix).
  assert {
    condition     = length(aws_iam_role.instance.name_prefix) <= 38 && length(aws_iam_instance_profile.instance.name_prefix) <= 38
    error_message = "The IAM name prefixes must have at most 38 characters."
  }
  # CreateSecurityGroup: up to 255 characters, not beginning with "sg-".
  assert {
    condition     = alltrue([for n in [aws_security_group.alb.name, aws_security_group.app.name] : length(n) <= 255 && !startswith(n, "sg-") && !endswith(n, "-")])
    error_message = "The security group names must be legal."
  }
  # Without a certificate the module serves HTTP (the root refuses that unless allow_http).
  assert {
    condition     = length(aws_lb_listener.https) == 0
    error_message = "Without a certificate_arn the module has no HTTPS listener."
  }
}

run "app_rejects_name_over_26" {
  command = plan
  module {
    source = "./modules/app"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name              = "pilotlight-shop-eu1-primary"
    region_role       = "primary"
    vpc_id            = "vpc-0123"
    public_subnet_ids = ["subnet-1", "subnet-2"]
    app_subnet_ids    = ["subnet-3", "subnet-4"]
    capacity          = { min = 0, max = 0, desired = 0 }
    db                = { host = "db.example.internal", port = 5432, name = "pilotlight", secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1" }
  }
  expect_failures = [var.name]
}

run "app_rejects_reserved_prefix" {
  command = plan
  module {
    source = "./modules/app"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name              = "internal-primary"
    region_role       = "primary"
    vpc_id            = "vpc-0123"
    public_subnet_ids = ["subnet-1", "subnet-2"]
    app_subnet_ids    = ["subnet-3", "subnet-4"]
    capacity          = { min = 0, max = 0, desired = 0 }
    db                = { host = "db.example.internal", port = 5432, name = "pilotlight", secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1" }
  }
  expect_failures = [var.name]
}

# The database module's longest name (55): the identifier <name>-primary has RDS's 63.
run "database_names_at_max_length" {
  command = plan
  module {
    source = "./modules/database"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name                  = "shop-eu-west-1-to-eu-central-1-with-pilot-light-standby"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/2" }
    engine_version        = "14"
  }

  # CreateDBInstance / CreateDBSnapshot: 63 (255) letters, digits, hyphens, a letter first, no
  # trailing or double hyphen.
  assert {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", aws_db_instance.this.identifier)) && !strcontains(aws_db_instance.this.identifier, "--")
    error_message = "The identifier ${aws_db_instance.this.identifier} must be a legal RDS identifier."
  }
  assert {
    condition     = length(aws_db_instance.this.final_snapshot_identifier) <= 255 && !endswith(aws_db_instance.this.final_snapshot_identifier, "-")
    error_message = "The final snapshot identifier must be legal."
  }
  assert {
    condition     = !startswith(aws_security_group.this.name, "sg-") && length(aws_security_group.this.name) <= 255
    error_message = "The security group name must be legal."
  }
  assert {
    condition     = aws_db_parameter_group.this.family == "postgres14"
    error_message = "PostgreSQL 14, the oldest version allowed, must plan with its parameter group family."
  }
}

run "database_rejects_name_over_55" {
  command = plan
  module {
    source = "./modules/database"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name                  = "shop-eu-west-1-to-eu-central-1-with-pilot-light-standby1"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
  }
  expect_failures = [var.name]
}

run "database_rejects_name_double_hyphen" {
  command = plan
  module {
    source = "./modules/database"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name                  = "shop--eu"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
  }
  expect_failures = [var.name]
}

run "database_rejects_name_sg" {
  command = plan
  module {
    source = "./modules/database"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name                  = "sg"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
  }
  expect_failures = [var.name]
}

run "database_replica_names_at_max_length" {
  command = plan
  module {
    source = "./modules/database-replica"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                  = "shop-eu-west-1-to-eu-central-1-with-pilot-light-standby"
    source_db_arn         = "arn:aws:rds:eu-west-1:123456789012:db:test-primary"
    vpc_id                = "vpc-2"
    subnet_ids            = ["subnet-3", "subnet-4"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-2"
    engine_version        = "14"
  }

  assert {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", aws_db_instance.replica.identifier)) && !strcontains(aws_db_instance.replica.identifier, "--")
    error_message = "The identifier ${aws_db_instance.replica.identifier} must be a legal RDS identifier."
  }
  assert {
    condition     = aws_db_parameter_group.this.family == "postgres14"
    error_message = "PostgreSQL 14 must plan for the replica too."
  }
}

run "database_replica_rejects_name_double_hyphen" {
  command = plan
  module {
    source = "./modules/database-replica"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                  = "shop--eu"
    source_db_arn         = "arn:aws:rds:eu-west-1:123456789012:db:test-primary"
    vpc_id                = "vpc-2"
    subnet_ids            = ["subnet-3", "subnet-4"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-2"
  }
  expect_failures = [var.name]
}

run "database_replica_rejects_name_sg" {
  command = plan
  module {
    source = "./modules/database-replica"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                  = "sg-shop"
    source_db_arn         = "arn:aws:rds:eu-west-1:123456789012:db:test-primary"
    vpc_id                = "vpc-2"
    subnet_ids            = ["subnet-3", "subnet-4"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-2"
  }
  expect_failures = [var.name]
}

# The network module's longest name: <name>-vpc-endpoints has a security group's 255 characters.
run "network_names_at_max_length" {
  command = plan
  module {
    source = "./modules/network"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name       = "n-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1-a1"
    cidr_block = "10.10.0.0/16"
  }

  assert {
    condition     = length(aws_security_group.endpoints[0].name) == 255 && !startswith(aws_security_group.endpoints[0].name, "sg-")
    error_message = "The endpoints' security group name must have at most 255 characters: ${length(aws_security_group.endpoints[0].name)}."
  }
}

run "network_rejects_name_sg" {
  command = plan
  module {
    source = "./modules/network"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name       = "sg-primary"
    cidr_block = "10.10.0.0/16"
  }
  expect_failures = [var.name]
}

# === PostgreSQL version: RDS takes automated backups of a PostgreSQL read replica only from 14.1
# (RDS User Guide, "Working with read replicas for Amazon RDS for PostgreSQL") ===

run "rejects_db_engine_version_13" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    db_engine_version = "13"
  }
  expect_failures = [var.db_engine_version]
}

run "database_rejects_engine_version_13" {
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
    secret_replica        = { region = "eu-central-1" }
    engine_version        = "13"
  }
  expect_failures = [var.engine_version]
}

run "database_replica_rejects_engine_version_13" {
  command = plan
  module {
    source = "./modules/database-replica"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                  = "test"
    source_db_arn         = "arn:aws:rds:eu-west-1:123456789012:db:test-primary"
    vpc_id                = "vpc-2"
    subnet_ids            = ["subnet-3", "subnet-4"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-2"
    engine_version        = "13"
  }
  expect_failures = [var.engine_version]
}

# === HTTPS unless the user opts out ===

run "requires_certificates" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    certificate_arns = {}
  }
  expect_failures = [var.certificate_arns]
}

run "requires_both_certificates" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    certificate_arns = { primary = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000001" }
  }
  expect_failures = [var.certificate_arns]
}

run "allow_http_serves_http" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    certificate_arns = {}
    allow_http       = true
  }
  assert {
    condition     = !module.app_primary.alb_https && !module.app_backup.alb_https
    error_message = "allow_http without certificates must plan plain-HTTP ALBs."
  }
}

# === the master password: write-only, in neither plan nor state ===

run "master_password_write_only" {
  command = apply
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
    secret_replica        = { region = "eu-central-1" }
  }

  assert {
    condition     = aws_db_instance.this.password == null && aws_db_instance.this.password_wo == null && aws_db_instance.this.password_wo_version == 1
    error_message = "The instance's password must be write-only (password_wo, version 1), never in state."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.db.secret_string == null && aws_secretsmanager_secret_version.db.secret_string_wo == null && aws_secretsmanager_secret_version.db.secret_string_wo_version == 1
    error_message = "The secret's value must be write-only (secret_string_wo, version 1), never in state."
  }
}

# Raising the version sends a new password to both (the same local value).
run "master_password_version_raises_both" {
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
    secret_replica        = { region = "eu-central-1" }
    password_version      = 2
  }

  assert {
    condition     = aws_db_instance.this.password_wo_version == 2 && aws_secretsmanager_secret_version.db.secret_string_wo_version == 2
    error_message = "password_version must set both write-only versions."
  }
}

run "database_rejects_password_version" {
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
    secret_replica        = { region = "eu-central-1" }
    password_version      = 0
  }
  expect_failures = [var.password_version]
}

run "rejects_db_password_version" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    db_password_version     = 1.5
    db_app_password_version = 0
  }
  expect_failures = [var.db_password_version, var.db_app_password_version]
}

# The modules that take the deployment name itself, each against its own longest name.

# CreateFunction: at most 64 letters, digits, hyphens, underscores (<name>-failover).
run "failover_rejects_name" {
  command = plan
  module {
    source = "./modules/failover"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    latch                 = { object_arn = "arn:aws:s3:::test-latch-1/latch-0123456789abcdef", bucket_arn = "arn:aws:s3:::test-latch-1" }
    name                  = "shop-eu-west-1-to-eu-central-1-with-pilot-light-standby1"
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
  expect_failures = [var.name]
}

# CreateFunction: at most 64 letters, digits, hyphens, underscores (<name>-readiness).
run "readiness_rejects_name" {
  command = plan
  module {
    source = "./modules/readiness"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                  = "shop-eu-west-1-to-eu-central-1-with-pilot-light-standby"
    package_path          = "tests/fixtures/placeholder.zip"
    config_parameter_name = "/pilotlight/test/config"
    log_kms_key_arn       = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
    targets = {
      latch_object_arn      = "arn:aws:s3:::test-latch-1/latch-0123456789abcdef"
      latch_bucket_arn      = "arn:aws:s3:::test-latch-1"
      primary_db_arn        = "arn:aws:rds:eu-west-1:123456789012:db:test-primary"
      replica_db_arn        = "arn:aws:rds:eu-central-1:123456789012:db:test-replica"
      health_check_arn      = "arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789"
      alarm_arn             = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:test-primary-unhealthy"
      lock_table_arn        = "arn:aws:dynamodb:eu-central-1:123456789012:table/test-failover-lock"
      failover_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
      ops_topic_arn         = "arn:aws:sns:eu-central-1:123456789012:test-ops"
      alarm_topic_arn       = "arn:aws:sns:us-east-1:123456789012:test-primary-health"
      failover_role_arn     = "arn:aws:iam::123456789012:role/test-failover"
      ops_kms_key_arn       = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
      backup_secret_arn     = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:pilotlight/test/db-AbCdEf"
      artifact_bucket       = "test-backup-artifacts-2"
      artifact_key          = "app/pilotlight-app.zip"
      ami_parameter         = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    }
  }
  expect_failures = [var.name]
}

# CreateTopic: letters, digits, hyphens and underscores only (<name>-primary-health).
run "dns_rejects_name" {
  command = plan
  module {
    source = "./modules/dns"
  }
  providers = {
    aws = aws.us_east_1
  }
  variables {
    latch                    = { bucket_domain_name = "test-latch-1.s3.eu-central-1.amazonaws.com", key = "latch-0123456789abcdef" }
    name                     = "shop.eu"
    subscriber_function_arn  = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
    zone_id                  = "Z0123456789TESTZONE"
    record_name              = "app.test.example.com"
    primary_alb              = { dns_name = "p.elb.amazonaws.com", zone_id = "Z32O12XQLNTSW2", https = true }
    backup_alb               = { dns_name = "b.elb.amazonaws.com", zone_id = "Z215JYRZR1TBD5", https = false }
    alarm_evaluation_periods = 2
    health_check             = { interval_seconds = 10, failure_threshold = 3 }
  }
  expect_failures = [var.name]
}

# PutDashboard: a dashboard name has letters, digits, hyphens and underscores only.
run "observability_rejects_name" {
  command = plan
  module {
    source = "./modules/observability"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                    = "shop eu"
    failover_function_name  = "test-failover"
    readiness_function_name = "test-readiness"
    failure_queue_name      = "test-failover-failures"
    replica_db_instance_id  = "test-replica"
    backup_asg_name         = "test-backup-app"
    replica_lag_seconds_max = 300
    ops_topic_arn           = "arn:aws:sns:eu-central-1:123456789012:test-ops"
  }
  expect_failures = [var.name]
}

# A guard that keeps refusing for a reason that may hide a real outage pages (GuardBlocked, one
# datapoint a minute from the re-evaluation): docs/functions.md "The guard: independent signals".
run "observability_pages_a_blocked_guard" {
  command = plan
  module {
    source = "./modules/observability"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                    = "test"
    failover_function_name  = "test-failover"
    readiness_function_name = "test-readiness"
    failure_queue_name      = "test-failover-failures"
    replica_db_instance_id  = "test-replica"
    backup_asg_name         = "test-backup-app"
    replica_lag_seconds_max = 300
    ops_topic_arn           = "arn:aws:sns:eu-central-1:123456789012:test-ops"
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["guard-blocked"].metric_name == "GuardBlocked" &&
      aws_cloudwatch_metric_alarm.this["guard-blocked"].namespace == "Pilotlight" &&
      aws_cloudwatch_metric_alarm.this["guard-blocked"].dimensions == tomap({ service = "pilotlight-failover" }) &&
      aws_cloudwatch_metric_alarm.this["guard-blocked"].evaluation_periods == 3 &&
      aws_cloudwatch_metric_alarm.this["guard-blocked"].treat_missing_data == "notBreaching" &&
      aws_cloudwatch_metric_alarm.this["guard-blocked"].alarm_actions == toset(["arn:aws:sns:eu-central-1:123456789012:test-ops"])
    )
    error_message = "the guard-blocked alarm must page the ops topic after 3 minutes of GuardBlocked from the failover function"
  }
}

run "observability_rejects_guard_blocked_minutes" {
  command = plan
  module {
    source = "./modules/observability"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                    = "test"
    failover_function_name  = "test-failover"
    readiness_function_name = "test-readiness"
    failure_queue_name      = "test-failover-failures"
    replica_db_instance_id  = "test-replica"
    backup_asg_name         = "test-backup-app"
    replica_lag_seconds_max = 300
    ops_topic_arn           = "arn:aws:sns:eu-central-1:123456789012:test-ops"
    guard_blocked_minutes   = 0
  }
  expect_failures = [var.guard_blocked_minutes]
}
