# The role switch after a failover (docs/terraform.md) and the app's launch hook, planned with one
# mock provider per alias as in plan.tftest.hcl, and, where a call to P must not happen, with a real
# provider whose endpoints refuse every connection.

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
  # The role switch plans P's resources with a real provider (aws.unreachable below), which checks
  # the state's values against its schema: an enum needs a valid value, not a random string.
  mock_resource "aws_s3_bucket_lifecycle_configuration" {
    defaults = { transition_default_minimum_object_size = "all_storage_classes_128K" }
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

# P's region gone: every endpoint P's modules use points at loopback port 9 (discard, a privileged
# port nothing here serves), and the provider makes no call of its own at configuration (skip
# flags, static credentials). A plan that reads anything in P fails with "connection refused".
provider "aws" {
  alias                       = "unreachable"
  region                      = "eu-west-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true

  endpoints {
    autoscaling    = "http://127.0.0.1:9"
    ec2            = "http://127.0.0.1:9"
    elbv2          = "http://127.0.0.1:9"
    iam            = "http://127.0.0.1:9"
    kms            = "http://127.0.0.1:9"
    rds            = "http://127.0.0.1:9"
    s3             = "http://127.0.0.1:9"
    secretsmanager = "http://127.0.0.1:9"
    ssm            = "http://127.0.0.1:9"
    sts            = "http://127.0.0.1:9"
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

# --- 1. the role switch applies at once ---

# ModifyDBInstance: a MultiAZ change "is applied during the next maintenance window unless the
# ApplyImmediately parameter is enabled" (RDS API reference). Without it the promoted database
# stays single-AZ until the window and every plan shows the diff again.
run "promoted_replica_applies_the_switch_immediately" {
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
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-1"
    promoted              = true
  }

  assert {
    condition     = aws_db_instance.replica.multi_az && aws_db_instance.replica.apply_immediately == true
    error_message = "After a promotion the database must become Multi-AZ with apply_immediately, not in the maintenance window."
  }
}

run "standby_replica_changes_wait_for_the_window" {
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
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-1"
  }

  assert {
    condition     = !aws_db_instance.replica.multi_az && aws_db_instance.replica.apply_immediately != true
    error_message = "Before a promotion the standby replica stays single-AZ and its changes wait for the maintenance window."
  }
}

# --- 2. the app's launch hook ---

# "Use lifecycle hooks with a warm pool" (Amazon EC2 Auto Scaling User Guide): Auto Scaling stops a
# warm-pool instance as soon as it launched, without waiting for user data; an
# autoscaling:EC2_INSTANCE_LAUNCHING hook holds it (Warmed:Pending:Wait, and Pending:Wait when it
# leaves the pool) until CompleteLifecycleAction. The hook must exist when the group is created
# (initial_lifecycle_hook), or the first instances launch without it.
run "app_group_holds_launches_until_the_user_data_completes_the_hook" {
  command = apply

  module {
    source = "./modules/app"
  }

  providers = {
    aws = aws.backup
  }

  variables {
    name                        = "test-backup"
    region_role                 = "backup"
    vpc_id                      = "vpc-1"
    public_subnet_ids           = ["subnet-1", "subnet-2"]
    app_subnet_ids              = ["subnet-3", "subnet-4"]
    capacity                    = { min = 0, max = 0, desired = 0 }
    capacity_managed_externally = true
    warm_pool_size              = 1
    app_bundle_path             = "tests/fixtures/placeholder.zip"
    db = {
      host        = "test-replica.abc.eu-central-1.rds.amazonaws.com"
      port        = 5432
      name        = "pilotlight"
      secret_arn  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:pilotlight/test/db-AbCdEf"
      kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
    }
  }

  assert {
    condition = [for h in aws_autoscaling_group.external[0].initial_lifecycle_hook : [h.lifecycle_transition, h.default_result]] == [
      ["autoscaling:EC2_INSTANCE_LAUNCHING", "ABANDON"]
    ]
    error_message = "The group must be created with a launching hook that abandons a launch nobody completes."
  }
  assert {
    # PutLifecycleHook: HeartbeatTimeout from 30 to 7200 seconds.
    condition     = alltrue([for h in aws_autoscaling_group.external[0].initial_lifecycle_hook : h.heartbeat_timeout >= 30 && h.heartbeat_timeout <= 7200])
    error_message = "The hook's heartbeat timeout must be within AWS's 30 to 7200 seconds."
  }
  assert {
    condition = strcontains(
      base64decode(aws_launch_template.this.user_data),
      "--auto-scaling-group-name \"${aws_autoscaling_group.external[0].name}\" \\\n    --lifecycle-hook-name \"${try(one(aws_autoscaling_group.external[0].initial_lifecycle_hook).name, "(no hook)")}\""
    )
    error_message = "The user data must complete this group's hook, by the group's and the hook's names."
  }
  assert {
    # CompleteLifecycleAction takes the autoScalingGroup resource type, whose ARN is
    # arn:${Partition}:autoscaling:${Region}:${Account}:autoScalingGroup:${GroupId}:autoScalingGroupName/${GroupFriendlyName}
    # (Service Authorization Reference, Amazon EC2 Auto Scaling). The grant precedes the group, so
    # the group id is a wildcard and the name is this group's (permissions.json: CompleteLaunchHook).
    condition = jsondecode(aws_iam_role_policy.launch_hook.policy).Statement == [{
      Sid      = "CompleteLaunchHook"
      Effect   = "Allow"
      Action   = ["autoscaling:CompleteLifecycleAction"]
      Resource = ["arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:*:autoScalingGroupName/${aws_autoscaling_group.external[0].name}"]
    }] && aws_iam_role_policy.launch_hook.role == aws_iam_role.instance.id
    error_message = "The instance role may complete lifecycle actions of its own group only."
  }
  assert {
    # RequestLaunchTemplateData.ImageId: "resolve:ssm:<public-parameter>" resolves at launch, so no
    # plan reads the parameter (P's SSM may be unreachable during the role switch).
    condition     = aws_launch_template.this.image_id == "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    error_message = "The launch template must resolve the AMI from the SSM alias at launch."
  }
}

run "primary_app_group_has_the_launch_hook_too" {
  command = plan

  module {
    source = "./modules/app"
  }

  providers = {
    aws = aws.primary
  }

  variables {
    name              = "test-primary"
    region_role       = "primary"
    vpc_id            = "vpc-1"
    public_subnet_ids = ["subnet-1", "subnet-2"]
    app_subnet_ids    = ["subnet-3", "subnet-4"]
    capacity          = { min = 2, max = 4, desired = 2 }
    app_bundle_path   = "tests/fixtures/placeholder.zip"
    db = {
      host        = "test-primary.abc.eu-west-1.rds.amazonaws.com"
      port        = 5432
      name        = "pilotlight"
      secret_arn  = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pilotlight/test/db-AbCdEf"
      kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
    }
  }

  assert {
    condition     = [for h in aws_autoscaling_group.managed[0].initial_lifecycle_hook : h.lifecycle_transition] == ["autoscaling:EC2_INSTANCE_LAUNCHING"]
    error_message = "P's group must hold its launches at the same hook."
  }
}

# --- 3. the role switch plans while P is unreachable (last: on a failure the runs after it are skipped) ---

# The deployment as applied (mocks): the state the role switch plans against.
run "deployed" {
  command = apply

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
}

# After a failover, before the role switch: the latch stands in B and the failover function fenced
# P's group at 0/0/0. A plan of the unchanged configuration must keep P's group there: sized to
# primary_capacity again, an apply by someone who does not know of the failover would bring P's
# instances back onto P's database, which may still take writes.
run "standing_latch_keeps_primary_fenced_without_the_role_switch" {
  command = plan

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  # The latch as the failover writes it, under the key these checks read (override values cannot
  # name a run's outputs: the fingerprint as in plan.tftest.hcl's keeps_latched_checks).
  override_data {
    target = module.latch.data.aws_s3_objects.latch
    values = { keys = ["latch-9522d3b21f963839"] }
  }

  assert {
    condition     = module.app_primary.autoscaling_group_capacity == { min = 0, max = 0, desired = 0 }
    error_message = "With the latch standing and no role switch, P's group must stay fenced at 0/0/0, not return to primary_capacity."
  }
  assert {
    # failback brings P's group back to this size (docs/cli.md, step 4): the fence must not change it
    condition     = jsondecode(output.deployment_config).primary.asg.desiredCapacity == 2 && module.app_backup.autoscaling_group_capacity == { min = 0, max = 0, desired = 0 }
    error_message = "The fence held by the latch must leave the config document's primary_capacity and B's group as they are."
  }

  # and the plan says why, naming the role switch (an output: not a refusal)
  assert {
    condition     = strcontains(output.primary_fenced_by_latch, "role switch")
    error_message = "Under a standing latch the plan must say why P's group stays at zero, naming the role switch."
  }
}

# The role switch with P's endpoints refusing: no refresh (-refresh=false, as docs/terraform.md
# says), and no data source of P may be read either. What P's modules would read comes from state
# (the availability zones) or from B (the account id); the password generator is not read.
run "role_switch_plans_with_primary_unreachable" {
  command = plan

  plan_options {
    refresh = false
  }

  providers = {
    aws.primary   = aws.unreachable
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  variables {
    active_region = "backup"
  }

  # planned, as it happens, while the failover's latch stands in B
  override_data {
    target = module.latch.data.aws_s3_objects.latch
    values = { keys = ["latch-9522d3b21f963839"] }
  }

  assert {
    # The mock's zones, as the deployed run stored them: the unreachable provider answers nothing.
    condition     = module.network_primary.availability_zones == tolist(["eu-west-1a", "eu-west-1b"])
    error_message = "P's subnets must stay in the availability zones kept in state."
  }
  assert {
    condition     = module.app_primary.autoscaling_group_capacity == { min = 0, max = 0, desired = 0 }
    error_message = "The role switch must fence P's group at zero."
  }
}

# A deployment planned for the first time with P already unreachable has no zones in state: a clear
# error, not a plan that moves subnets.
run "role_switch_without_zones_in_state_fails_clearly" {
  command = plan

  module {
    source = "./modules/network"
  }

  providers = {
    aws = aws.primary
  }

  variables {
    name              = "test-primary"
    cidr_block        = "10.10.0.0/16"
    skip_region_reads = true
  }

  expect_failures = [terraform_data.availability_zones]
}
