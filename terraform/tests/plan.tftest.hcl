# Plan-level tests: one mock provider per alias, realistic ARNs, no network (the provider's own
# argument validation still runs). The wiring runs apply against the mocks (computed values only
# exist after a mocked apply); the module runs check what only a module's own resources show
# (records, alarm, subscription, IAM). Then the validation rules: every rule has an expect_failures
# entry; independent variables share a run, the rules of one variable take a run each.

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

run "root_wiring" {
  command = apply

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  # the mocks give every secret one ARN: the app role's gets its own, so the wiring shows which is read
  override_resource {
    target = module.database.aws_secretsmanager_secret.app
    values = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pilotlight/test/db-app-GhIjKl" }
  }

  assert {
    condition     = module.database_replica.source_db_arn == module.database.db_instance_arn
    error_message = "The replica must replicate from the primary's ARN."
  }
  assert {
    condition     = module.database_replica.db_kms_key_arn == module.database_replica.kms_key_arn && startswith(module.database_replica.kms_key_arn, "arn:aws:kms:eu-central-1:")
    error_message = "The replica must be encrypted with the backup region's key."
  }
  assert {
    condition     = startswith(module.database.db_instance_arn, "arn:aws:rds:eu-west-1:") && startswith(module.database_replica.db_instance_arn, "arn:aws:rds:eu-central-1:")
    error_message = "The primary database must be in P and the replica in B."
  }
  assert {
    condition     = module.database.secret_replica_regions == { "eu-central-1" = module.database_replica.kms_key_arn }
    error_message = "The credentials secret must be replicated to B with B's key."
  }
  assert {
    condition     = module.database.secret_replica_arn == "arn:aws:secretsmanager:eu-central-1:123456789012:secret:pilotlight/test/db-AbCdEf"
    error_message = "The secret replica's ARN is the primary's with B's region."
  }
  assert {
    condition     = module.app_primary.db_secret_arn == module.database.app_secret_arn && module.app_backup.db_secret_arn == "arn:aws:secretsmanager:eu-central-1:123456789012:secret:pilotlight/test/db-app-GhIjKl" && module.database.app_secret_arn != module.database.secret_arn
    error_message = "The instances must read the app role's secret (B its replica in B), never the master user's: the master could lift the write fence."
  }
  assert {
    condition     = jsondecode(output.deployment_config).primary.appSecretArn == module.database.app_secret_arn && jsondecode(output.deployment_config).backup.appSecretArn == module.database.app_secret_replica_arn
    error_message = "The config document must name the app role's secret in each region (the CLI's app-role command and the write fence read it)."
  }
  assert {
    condition     = module.app_backup.autoscaling_group_capacity == { min = 0, max = 0, desired = 0 }
    error_message = "B's Auto Scaling group must rest at min = max = desired = 0."
  }
  assert {
    condition     = module.app_primary.autoscaling_group_capacity == { min = 2, max = 4, desired = 2 }
    error_message = "P's Auto Scaling group must have primary_capacity."
  }
  assert {
    condition     = startswith(module.dns.alarm_topic_arn, "arn:aws:sns:us-east-1:") && startswith(module.dns.alarm_arn, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:")
    error_message = "The alarm and its topic must live in us-east-1 (the us_east_1 provider)."
  }
  assert {
    condition     = startswith(module.failover.function_arn, "arn:aws:lambda:eu-central-1:") && startswith(module.failover.ops_topic_arn, "arn:aws:sns:eu-central-1:")
    error_message = "The failover function and the ops topic must live in B."
  }
  assert {
    condition     = startswith(module.dns.alarm_subscription_arn, "arn:aws:sns:us-east-1:")
    error_message = "The function's subscription must be made in the topic's region, us-east-1."
  }
  assert {
    condition     = jsondecode(output.deployment_config).version == 1 && jsondecode(output.deployment_config).dns.alarm.topicArn == module.dns.alarm_topic_arn
    error_message = "The config document must be version 1 and name the alarm topic."
  }
  assert {
    condition     = jsondecode(output.deployment_config).backup.db.arn == module.database_replica.db_instance_arn && jsondecode(output.deployment_config).backup.secretArn == module.database.secret_replica_arn
    error_message = "The config document must name the replica and the secret replica in B."
  }
  assert {
    condition     = output.config_parameter_name == "/pilotlight/test/config"
    error_message = "The config parameter must be /pilotlight/<deployment>/config."
  }
  assert {
    # the failover passes these to PromoteReadReplica, whose own BackupRetentionPeriod default is 1
    condition     = jsondecode(output.deployment_config).backup.db.backupRetentionDays == 7 && jsondecode(output.deployment_config).backup.db.backupWindow == "03:00-03:30"
    error_message = "The config document must carry the replica's backup retention (db_backup_retention_days) and window (db_backup_window, 03:00-03:30 by default)."
  }
  assert {
    # issue 23's targets: worst at most 600 s with P lost, 720 s with us-east-1 lost too, typical 300 s
    condition     = output.rto_model.withinTarget && output.rto_model.scenarios["primary-lost"].cases.worst.total <= 600 && output.rto_model.scenarios["primary-and-us-east-1-lost"].cases.worst.total <= 720 && output.rto_model.scenarios["primary-lost"].cases.typical.total <= 300 && output.rto_model.scenarios["primary-and-us-east-1-lost"].cases.typical.total <= 300 && output.rto_model.detectionWindowSeconds > 120
    error_message = "The defaults must be within the target in every scenario (the held in-region recovery included), worst 600 s / 720 s and typical 300 s, with a detection window over 120 s."
  }
}

# The model's arithmetic, against the figures src/core/rto.test.ts pins for the same defaults
# ("meets issue 23's targets with the Terraform defaults").
run "rto_model_defaults" {
  command = plan

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  assert {
    # Route 53's verdict 10 x 3 + 10; us-east-1 alarm + 2 x 60 + 60; the probe: 10 + 60 (EventBridge's
    # precision) + 2 x 10 + 6; its alarm 60 + 6 + 2 x 60 + 60; decide 30 + 3 (P's RDS API times out);
    # capacity 180 + 45 + 2 x 10; dns 40 (Route 53 sees B) + 60 + 120; 96 + 33 + max(420, 465).
    condition     = output.rto_model.scenarios["primary-lost"].cases.worst == { triggers = { route53 = 220, probe = 96, probeAlarm = 246 }, detect = 96, hold = 0, decide = 33, promote = 420, capacity = 245, dns = 220, total = 594 }
    error_message = "P lost, worst case differs from rto.ts: ${jsonencode(output.rto_model.scenarios["primary-lost"].cases.worst)}"
  }
  assert {
    # the probe waits for Route 53's verdict (35 s) + half a cadence; 40 + 8 + max(180, 125 + 35 + 30 + 30)
    condition     = output.rto_model.scenarios["primary-lost"].cases.typical == { triggers = { route53 = 185, probe = 40, probeAlarm = 186 }, detect = 40, hold = 0, decide = 8, promote = 180, capacity = 125, dns = 95, total = 268 }
    error_message = "P lost, typical case differs from rto.ts: ${jsonencode(output.rto_model.scenarios["primary-lost"].cases.typical)}"
  }
  assert {
    # us-east-1 gone: the probe alone; decide 30 + 3 (Route 53 API timeout) + 3 (the DNS read)
    # (compared as JSON: a null attribute does not compare equal across object types)
    condition     = jsonencode(output.rto_model.scenarios["primary-and-us-east-1-lost"].cases.worst) == jsonencode({ triggers = { route53 = null, probe = 96, probeAlarm = 246 }, detect = 96, hold = 0, decide = 36, promote = 420, capacity = 245, dns = 220, total = 597 })
    error_message = "P and us-east-1 lost, worst case differs from rto.ts: ${jsonencode(output.rto_model.scenarios["primary-and-us-east-1-lost"].cases.worst)}"
  }
  assert {
    condition     = output.rto_model.scenarios["primary-and-us-east-1-lost"].cases.typical.total == 271
    error_message = "P and us-east-1 lost, typical case differs from rto.ts: ${jsonencode(output.rto_model.scenarios["primary-and-us-east-1-lost"].cases.typical)}"
  }
  assert {
    # held: the earliest alarm (220 s) + hold 120 + a tick 60 + decide 30 (P's API answers) + 465
    condition     = output.rto_model.scenarios["in-region-recovery-held"].cases.worst == { triggers = { route53 = 220, probe = 96, probeAlarm = 246 }, detect = 220, hold = 180, decide = 30, promote = 420, capacity = 245, dns = 220, total = 895 }
    error_message = "In-region recovery held, worst case differs from rto.ts: ${jsonencode(output.rto_model.scenarios["in-region-recovery-held"].cases.worst)}"
  }
  assert {
    # Route 53's verdict at 10 s x 1; the probe's first failure: 10 + 2 + max(60, 70 + 10)
    condition     = output.rto_model.floor == { triggers = { route53 = 80, probe = 10, probeAlarm = 70 }, detect = 10, hold = 0, decide = 2, promote = 60, capacity = 70, dns = 10, total = 92 }
    error_message = "Floor differs from rto.ts: ${jsonencode(output.rto_model.floor)}"
  }
}

# Within target while us-east-1 stands (594 s), over it when P and us-east-1 are lost (597 s), and
# with the held in-region recovery (895 s): refused.
run "rejects_rto_over_target_without_us_east_1" {
  command = plan

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  variables {
    rto_target_seconds = 595
  }
  expect_failures = [terraform_data.rto_budget]
}

# A hold the target cannot afford: the held in-region recovery (220 + 600 + 60 + 30 + 465 s) is refused.
run "rejects_a_hold_over_target" {
  command = plan

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  variables {
    failover_hold_max_seconds = 600
  }
  expect_failures = [terraform_data.rto_budget]
}

# The latch bucket: Route 53's checkers may read the one latch object, from their addresses only.
run "latch_module" {
  command = apply

  module {
    source = "./modules/latch"
  }

  providers = {
    aws = aws.backup
  }

  variables {
    name        = "test"
    key         = "latch-0123456789abcdef"
    writer_arns = ["arn:aws:iam::123456789012:role/test-failover", "arn:aws:iam::123456789012:role/test-operator"]
  }

  assert {
    # S3 User Guide, "The meaning of public": limited to CIDRs with aws:SourceIp, the grant is not public
    condition = anytrue([for st in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      st.Effect == "Allow" && st.Principal == "*" && st.Action == "s3:GetObject" && st.Resource == "${aws_s3_bucket.this.arn}/latch-0123456789abcdef"
      && try(st.Condition.IpAddress["aws:SourceIp"], null) == ["54.183.255.128/26", "15.177.0.0/18", "2600:1f1c:7ff:f800::/53"]
    ])
    error_message = "The bucket policy must let only Route 53's checkers (ip-ranges ROUTE53_HEALTHCHECKS) GET only the latch object."
  }
  assert {
    condition     = length([for st in jsondecode(aws_s3_bucket_policy.this.policy).Statement : st if st.Effect == "Allow"]) == 1
    error_message = "Nothing but the checkers' read may be granted by the bucket policy."
  }
  assert {
    # an explicit deny wins over any Allow in the account (IAM policy evaluation logic)
    condition = anytrue([for st in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      st.Effect == "Deny" && st.Principal == "*" && try(toset(st.Action) == toset(["s3:PutObject", "s3:DeleteObject"]), false) && st.Resource == "${aws_s3_bucket.this.arn}/*"
      && try(tolist(st.Condition.ArnNotLike["aws:PrincipalArn"]) == tolist(var.writer_arns), false)
    ])
    error_message = "The bucket policy must deny writes and deletes of the latch to every principal but the failover role and the operators."
  }
  assert {
    condition = anytrue([for st in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      st.Effect == "Deny" && st.Action == "s3:PutObject" && try(toset(st.Condition.StringEquals["s3:x-amz-server-side-encryption"]) == toset(["aws:kms", "aws:kms:dsse"]), false)
      ]) && anytrue([for st in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      st.Effect == "Deny" && st.Action == "s3:PutObject" && try(st.Condition.Null["s3:x-amz-server-side-encryption-customer-algorithm"], null) == "false"
    ])
    error_message = "The bucket policy must deny latch writes with SSE-KMS, DSSE-KMS or SSE-C: the anonymous checkers could not read them."
  }
  assert {
    # write-only data events on this bucket's objects: every write and delete, none of the checkers' reads
    condition = alltrue([for want in [["eventCategory", "equals", "Data"], ["resources.type", "equals", "AWS::S3::Object"], ["readOnly", "equals", "false"], ["resources.ARN", "starts_with", "${aws_s3_bucket.this.arn}/"]] :
      anytrue([for f in one(aws_cloudtrail.latch_writes[0].advanced_event_selector).field_selector :
        f.field == want[0] && try(toset(f[want[1]]) == toset([want[2]]), false)
      ])
    ]) && aws_cloudtrail.latch_writes[0].enable_log_file_validation && aws_cloudtrail.latch_writes[0].s3_bucket_name == aws_s3_bucket.trail[0].id
    error_message = "A CloudTrail trail must record every write and delete of the latch bucket's objects (write-only data events), with log file validation."
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.restrict_public_buckets && aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.ignore_public_acls
    error_message = "All four public access blocks must stay on."
  }
  assert {
    # an anonymous GET cannot use a KMS key
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "The latch object must be encrypted with SSE-S3, which Route 53's anonymous checkers can read."
  }
}

run "latch_module_rejects_cidrs" {
  command = plan
  module {
    source = "./modules/latch"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                 = "test"
    key                  = "latch-0123456789abcdef"
    health_checker_cidrs = ["not-a-cidr"]
    writer_arns          = ["arn:aws:iam::123456789012:role/test-failover"]
  }
  expect_failures = [var.health_checker_cidrs]
}

run "latch_module_rejects_writers" {
  command = plan
  module {
    source = "./modules/latch"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name        = "test"
    key         = "latch-0123456789abcdef"
    writer_arns = ["*"]
  }
  expect_failures = [var.writer_arns]
}

run "root_rejects_no_operator" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    operator_arns = []
  }
  expect_failures = [var.operator_arns]
}

# A latch standing under another key names other checks: the plan would replace the PRIMARY's
# checks while P is latched out, and is refused.
run "refuses_to_replace_latched_checks" {
  command = plan

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  override_data {
    target = module.latch.data.aws_s3_objects.latch
    values = { keys = ["latch-fedcba9876543210"] }
  }

  # and, any latch standing, the plan warns that P's group stays fenced (role_switch.tftest.hcl)
  expect_failures = [terraform_data.latch_guard]
}

# The latch standing for these very checks: the apply goes ahead (mocked: computed values exist).
run "keeps_latched_checks" {
  command = apply

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  override_data {
    target = module.latch.data.aws_s3_objects.latch
    # the fingerprint of HTTPS_STR_MATCH at 10 s, the HTTPS latch check at 30 s, CALCULATED over 2
    values = { keys = ["latch-9522d3b21f963839"] }
  }

  # (before the role switch: P's group stays fenced, and the plan says so)
  assert {
    condition     = strcontains(output.primary_fenced_by_latch, "role switch")
    error_message = "Under a standing latch the plan must say why P's group stays at zero, naming the role switch."
  }

  assert {
    condition     = module.app_primary.autoscaling_group_capacity == { min = 0, max = 0, desired = 0 }
    error_message = "Under a standing latch the apply must keep P's group fenced at zero."
  }
  assert {
    condition     = jsondecode(output.deployment_config).dns.latch.key == "latch-9522d3b21f963839" && jsondecode(output.deployment_config).dns.latch.checksFingerprint == "9522d3b21f963839"
    error_message = "The config document must name the latch key these checks read, and their fingerprint."
  }
  assert {
    # the config module's typed variable drops what its type does not name: every key must reach the document
    condition     = jsondecode(output.deployment_config).failover.holdMaxSeconds == 120 && jsondecode(output.deployment_config).failover.bestEffortTimeoutMs == 3000 && jsondecode(output.deployment_config).dns.healthSignal.nameServers == ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk"] && jsondecode(output.deployment_config).dns.primaryCheckId == module.dns.primary_check_id && jsondecode(output.deployment_config).dns.secondaryCheckId == module.dns.secondary_check_id && jsondecode(output.deployment_config).dns.backupHealthCheckId == module.dns.backup_health_check_id && jsondecode(output.deployment_config).dns.latch.setCheckId == module.dns.latch_set_check_id && jsondecode(output.deployment_config).dns.latchSignal.name == module.dns.latch_signal_name
    error_message = "The config document must carry the guard's bounds, the health signal and the records' checks."
  }
}

# The role switch: the promoted database becomes Multi-AZ, the old primary's group is fenced at 0.
run "role_switch" {
  command = apply

  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  variables {
    active_region = "backup"
  }

  assert {
    condition     = module.app_primary.autoscaling_group_capacity == { min = 0, max = 0, desired = 0 }
    error_message = "After the role switch P's group must be fenced at zero."
  }
  assert {
    condition     = module.database_replica.source_db_arn == module.database.db_instance_arn
    error_message = "The role switch must not change the replica's configured source (ignored after creation)."
  }
}

run "dns_module" {
  command = apply

  module {
    source = "./modules/dns"
  }

  providers = {
    aws = aws.us_east_1
  }

  # The mock gives every health check the same id: distinct ones here, so the child and record
  # assertions below tell the checks apart.
  override_resource {
    target = aws_route53_health_check.latch
    values = { id = "1a7c4e01-2345-6789-abcd-ef0123456789" }
  }
  override_resource {
    target = aws_route53_health_check.latch_set
    values = { id = "1a7c5e01-2345-6789-abcd-ef0123456789" }
  }
  override_resource {
    target = aws_route53_health_check.backup
    values = { id = "bacc0b01-2345-6789-abcd-ef0123456789" }
  }
  override_resource {
    target = aws_route53_health_check.primary_record
    values = { id = "c0ffee01-2345-6789-abcd-ef0123456789" }
  }
  override_resource {
    target = aws_route53_health_check.secondary_record
    values = { id = "5ec0bd01-2345-6789-abcd-ef0123456789" }
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
    condition     = aws_sns_topic_subscription.failover.protocol == "lambda" && aws_sns_topic_subscription.failover.endpoint == var.subscriber_function_arn && aws_sns_topic_subscription.failover.topic_arn == aws_sns_topic.alarm.arn
    error_message = "The alarm topic must deliver to the failover function in B."
  }
  assert {
    condition     = aws_route53_record.primary.failover_routing_policy[0].type == "PRIMARY" && aws_route53_record.primary.health_check_id == aws_route53_health_check.primary_record.id
    error_message = "The PRIMARY record must carry the calculated check (the endpoint check and the latch check)."
  }
  assert {
    # API_HealthCheckConfig: a CALCULATED check is healthy when HealthThreshold children are
    condition     = aws_route53_health_check.primary_record.type == "CALCULATED" && aws_route53_health_check.primary_record.child_health_threshold == 2 && toset(aws_route53_health_check.primary_record.child_healthchecks) == toset([aws_route53_health_check.primary.id, aws_route53_health_check.latch.id])
    error_message = "The PRIMARY's check must be CALCULATED over the endpoint check and the latch check, both required."
  }
  assert {
    condition     = aws_route53_health_check.latch.type == "HTTPS" && aws_route53_health_check.latch.invert_healthcheck && aws_route53_health_check.latch.fqdn == var.latch.bucket_domain_name && aws_route53_health_check.latch.resource_path == "/${var.latch.key}" && aws_route53_health_check.latch.port == 443 && aws_route53_health_check.latch.enable_sni
    error_message = "The latch check must be an inverted HTTPS GET of the latch object on the bucket's regional endpoint."
  }
  assert {
    condition     = aws_route53_record.health_signal_primary.records == toset(["primary-healthy"]) && aws_route53_record.health_signal_primary.health_check_id == aws_route53_health_check.primary.id && aws_route53_record.health_signal_primary.failover_routing_policy[0].type == "PRIMARY" && aws_route53_record.health_signal_secondary.records == toset(["primary-unhealthy"]) && aws_route53_record.health_signal_secondary.health_check_id == null && aws_route53_record.health_signal_secondary.failover_routing_policy[0].type == "SECONDARY"
    error_message = "The health signal must be a failover TXT pair: PRIMARY primary-healthy with the endpoint check, SECONDARY primary-unhealthy without a check (src/core/route53.ts HEALTH_SIGNAL_VALUES)."
  }
  assert {
    condition     = output.health_signal_name == "_pilotlight-health.app.test.example.com" && output.health_signal_name_servers == tolist(["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk"])
    error_message = "The health signal lives beside the record and is asked of the zone's own name servers: ${jsonencode(output.health_signal_name_servers)}"
  }
  assert {
    condition     = aws_route53_record.latch_signal_primary.records == toset(["latch-open"]) && aws_route53_record.latch_signal_primary.health_check_id == aws_route53_health_check.latch.id && aws_route53_record.latch_signal_primary.failover_routing_policy[0].type == "PRIMARY" && aws_route53_record.latch_signal_secondary.records == toset(["latch-holding"]) && aws_route53_record.latch_signal_secondary.health_check_id == null && aws_route53_record.latch_signal_secondary.failover_routing_policy[0].type == "SECONDARY" && output.latch_signal_name == "_pilotlight-latch.app.test.example.com" && aws_route53_record.latch_signal_primary.name == output.latch_signal_name && aws_route53_record.latch_signal_secondary.name == output.latch_signal_name
    error_message = "The latch signal must be a failover TXT pair beside the record: PRIMARY latch-open with the inverted latch check, SECONDARY latch-holding without a check (src/core/route53.ts LATCH_SIGNAL_VALUES)."
  }
  assert {
    condition     = aws_route53_record.backup.failover_routing_policy[0].type == "SECONDARY" && aws_route53_record.backup.alias[0].name == var.backup_alb.dns_name
    error_message = "The SECONDARY record must alias B's ALB."
  }
  assert {
    # Route 53 answers the PRIMARY when no record is healthy (health-checks-how-route-53-chooses-
    # records): after a failover the SECONDARY's own check keeps B the answer whatever B's targets do.
    condition     = aws_route53_record.backup.health_check_id == aws_route53_health_check.secondary_record.id && aws_route53_record.backup.alias[0].evaluate_target_health == false
    error_message = "The SECONDARY record must carry its calculated check and not evaluate target health."
  }
  assert {
    # API_HealthCheckConfig, HealthThreshold: 1 of 2 children, the latch set OR B answers
    condition     = aws_route53_health_check.secondary_record.type == "CALCULATED" && aws_route53_health_check.secondary_record.child_health_threshold == 1 && toset(aws_route53_health_check.secondary_record.child_healthchecks) == toset([aws_route53_health_check.latch_set.id, aws_route53_health_check.backup.id])
    error_message = "The SECONDARY's check must be CALCULATED over the latch-set check and B's endpoint check, one of the two required."
  }
  assert {
    condition     = aws_route53_health_check.latch_set.type == "HTTPS" && !aws_route53_health_check.latch_set.invert_healthcheck && aws_route53_health_check.latch_set.fqdn == aws_route53_health_check.latch.fqdn && aws_route53_health_check.latch_set.resource_path == aws_route53_health_check.latch.resource_path && aws_route53_health_check.latch_set.port == 443 && aws_route53_health_check.latch_set.enable_sni && aws_route53_health_check.latch_set.failure_threshold == 1
    error_message = "The latch-set check must be an HTTPS GET of the same latch object as the latch check, not inverted."
  }
  assert {
    condition     = aws_route53_health_check.backup.fqdn == var.backup_alb.dns_name && aws_route53_health_check.backup.type == "HTTPS" && aws_route53_health_check.backup.resource_path == "/healthz" && !aws_route53_health_check.backup.invert_healthcheck
    error_message = "B's endpoint check must ask B's ALB (HTTPS here) for the shallow path its target group checks."
  }
  assert {
    condition     = output.secondary_check_id == "5ec0bd01-2345-6789-abcd-ef0123456789" && output.latch_set_check_id == "1a7c5e01-2345-6789-abcd-ef0123456789" && output.backup_health_check_id == "bacc0b01-2345-6789-abcd-ef0123456789"
    error_message = "The module must output the SECONDARY's checks for the config document."
  }
  assert {
    condition     = aws_route53_health_check.primary.fqdn == var.primary_alb.dns_name && aws_route53_health_check.primary.type == "HTTPS_STR_MATCH" && aws_route53_health_check.primary.search_string == "\"status\":\"ok\"" && aws_route53_health_check.primary.resource_path == "/health"
    error_message = "The health check must string-match the /health body of P's ALB."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.primary_unhealthy[0].namespace == "AWS/Route53" && aws_cloudwatch_metric_alarm.primary_unhealthy[0].metric_name == "HealthCheckStatus" && aws_cloudwatch_metric_alarm.primary_unhealthy[0].dimensions == tomap({ HealthCheckId = aws_route53_health_check.primary.id })
    error_message = "The alarm must watch HealthCheckStatus with the health check's id as dimension."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.primary_unhealthy[0].alarm_actions == toset([aws_sns_topic.alarm.arn]) && aws_cloudwatch_metric_alarm.primary_unhealthy[0].evaluation_periods == 2 && aws_cloudwatch_metric_alarm.primary_unhealthy[0].period == 60
    error_message = "The alarm must notify the us-east-1 topic after the configured one-minute periods."
  }
}

run "failover_module" {
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
    condition     = aws_lambda_permission.alarm_topic.principal == "sns.amazonaws.com" && aws_lambda_permission.alarm_topic.source_arn == var.alarm_topic_arn
    error_message = "Only the alarm topic may invoke the function."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      !contains(s.Resource, "*") || alltrue([for a in s.Action : contains(["autoscaling:DescribeAutoScalingGroups", "elasticloadbalancing:DescribeTargetHealth", "cloudwatch:GetMetricStatistics", "rds:DescribeEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"], a)])
    ])
    error_message = "Every failover statement must name resource ARNs, except actions AWS cannot scope."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      s.Resource == [var.primary_db_arn] && s.Action == ["rds:DescribeDBInstances"]
    ])
    error_message = "The guard's read of P's database must be scoped to the primary's ARN, read only."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      s.Resource == [var.latch.object_arn] && s.Action == ["s3:GetObject", "s3:PutObject"]
    ]) && !anytrue([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : contains(s.Action, "route53:UpdateHealthCheck")])
    error_message = "The latch is the object in B: written and read back on its ARN only, and no Route 53 write anywhere in the failover's role."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      s.Resource == [var.replica_db_arn] && contains(s.Action, "rds:PromoteReadReplica")
    ])
    error_message = "Promotion must be scoped to the replica's ARN."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ PILOTLIGHT_CONFIG_PARAMETER = "/pilotlight/test/config", POWERTOOLS_SERVICE_NAME = "pilotlight-failover", POWERTOOLS_METRICS_NAMESPACE = "Pilotlight" })
    error_message = "The function's environment is the contract with the functions engineer."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == aws_sqs_queue.failures.arn
    error_message = "Failed failovers must land in the failure queue."
  }
  assert {
    condition     = aws_dynamodb_table.lock.hash_key == "deployment" && aws_dynamodb_table.lock.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.lock.point_in_time_recovery[0].enabled && aws_dynamodb_table.lock.server_side_encryption[0].enabled
    error_message = "The lock table: hash key deployment, on demand, PITR and SSE."
  }
}

run "readiness_module" {
  command = apply

  module {
    source = "./modules/readiness"
  }

  providers = {
    aws = aws.backup
  }

  variables {
    name                  = "test"
    package_path          = "tests/fixtures/placeholder.zip"
    config_parameter_name = "/pilotlight/test/config"
    log_kms_key_arn       = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
    targets = {
      latch_object_arn      = "arn:aws:s3:::test-latch-1/latch-0123456789abcdef"
      latch_bucket_arn      = "arn:aws:s3:::test-latch-1"
      replica_db_arn        = "arn:aws:rds:eu-central-1:123456789012:db:test-replica"
      health_check_arn      = "arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789"
      alarm_arn             = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:test-primary-unhealthy"
      lock_table_arn        = "arn:aws:dynamodb:eu-central-1:123456789012:table/test-failover-lock"
      failover_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
      alarm_topic_arn       = "arn:aws:sns:us-east-1:123456789012:test-primary-health"
      failover_role_arn     = "arn:aws:iam::123456789012:role/test-failover"
      ops_kms_key_arn       = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
      ami_parameter         = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    }
  }

  assert {
    condition     = aws_cloudwatch_event_rule.schedule.schedule_expression == "rate(5 minutes)" && aws_cloudwatch_event_target.schedule.arn == aws_lambda_function.this.arn
    error_message = "The readiness function must run every 5 minutes by default."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      !contains(s.Resource, "*") || contains(["UnscopedDescribe", "Tracing"], s.Sid)
    ])
    error_message = "Every readiness statement must name resource ARNs, except actions AWS cannot scope."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement : [
        for a in s.Action : can(regex(":(Describe|Get|List|Simulate|PutTrace|PutTelemetry|CreateLogStream|PutLogEvents|Decrypt|GenerateDataKey)", a)) || a == "dynamodb:PutItem"
      ]
    ]))
    error_message = "The readiness role must be read-only (plus logs, traces and the armed marker)."
  }
  assert {
    # runReadiness arms the failover (armDeployment: a conditional PutItem of the armed marker); a
    # role without it is silently never armed on AWS, so no automatic failover ever runs.
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      s.Resource == [var.targets.lock_table_arn] && contains(s.Action, "dynamodb:PutItem") && contains(s.Action, "dynamodb:GetItem")
    ])
    error_message = "The readiness role must be allowed to arm the failover: dynamodb:PutItem (and GetItem) on the lock table."
  }
  assert {
    # latch-policy: GetBucketPolicy of the latch bucket (the bucket ARN, not its objects)
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement :
      s.Resource == [var.targets.latch_bucket_arn] && contains(s.Action, "s3:GetBucketPolicy")
    ])
    error_message = "The readiness role must be allowed s3:GetBucketPolicy on the latch bucket (the latch-policy check)."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables.POWERTOOLS_SERVICE_NAME == "pilotlight-readiness" && aws_lambda_function.this.environment[0].variables.PILOTLIGHT_CONFIG_PARAMETER == "/pilotlight/test/config"
    error_message = "The readiness function's environment is the contract with the functions engineer."
  }
}

# === validation rules: an expect_failures entry each ===

# --- root module ---

# A run may name several variables in expect_failures: each must report its own error or the run
# fails ("Missing expected failure"), so one plan of independent bad values proves each rule.
run "rejects_invalid_inputs" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    deployment              = "Bad_Name"
    mode                    = "manual"
    regions                 = { primary = "europe", backup = "eu-central-1" }
    vpc_cidrs               = { primary = "10.10.0.0/24", backup = "10.20.0.0/16" }
    detection               = { interval_seconds = 15 }
    primary_capacity        = { min = 3, max = 4, desired = 2 }
    failover_capacity       = { min = 0, max = 0, desired = 0 }
    warm_pool_size          = -1
    replica_lag_seconds_max = 0
    rto_target_seconds      = 30
    rto_assumptions         = { promote_seconds = { best = 300, typical = 200, worst = 400 } }
    active_region           = "us-east-1"
  }
  expect_failures = [var.deployment, var.mode, var.regions, var.vpc_cidrs, var.detection, var.primary_capacity, var.failover_capacity, var.warm_pool_size, var.replica_lag_seconds_max, var.rto_target_seconds, var.rto_assumptions, var.active_region]
}

run "rejects_regions_distinct_cidrs_overlap_health_check_threshold" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    regions   = { primary = "eu-west-1", backup = "eu-west-1" }
    vpc_cidrs = { primary = "10.0.0.0/8", backup = "10.20.0.0/16" }
    detection = { failure_threshold = 11 }
  }
  expect_failures = [var.regions, var.vpc_cidrs, var.detection]
}

run "rejects_backup_not_opt_in_alarm_periods" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    regions   = { primary = "eu-west-1", backup = "eu-south-1" }
    detection = { interval_seconds = 30, failure_threshold = 10, alarm_evaluation_periods = 0 }
  }
  expect_failures = [var.regions, var.detection]
}

run "rejects_detection_window_over_multi_az_failover" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    detection = { interval_seconds = 10, failure_threshold = 6, alarm_evaluation_periods = 1 }
  }
  expect_failures = [var.detection]
}

run "rejects_rto_over_target" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    rto_target_seconds = 600
  }
  expect_failures = [terraform_data.rto_budget]
}

run "rejects_providers_match_regions" {
  command = plan
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }
  variables {
    regions = { primary = "us-west-2", backup = "eu-central-1" }
  }
  expect_failures = [terraform_data.providers_match_regions]
}

# --- modules ---

run "network_rejects_invalid_inputs" {
  command = plan
  module {
    source = "./modules/network"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name                    = "test"
    cidr_block              = "10.10.0.0/28"
    availability_zone_count = 1
  }
  expect_failures = [var.cidr_block, var.availability_zone_count]
}

# The instance role: what Session Manager needs (AWS's minimal instance profile for it: the SSM
# Agent's UpdateInstanceInformation and the four ssmmessages channel actions) instead of
# AmazonSSMManagedInstanceCore, whose ssm:GetParameter(s) on "*" reads every parameter in the account.
run "app_instance_role_is_scoped" {
  # apply (with the mock providers): the policy names the artifact bucket's ARN, unknown at plan
  command = apply
  module {
    source = "./modules/app"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name              = "test-primary"
    vpc_id            = "vpc-0123"
    public_subnet_ids = ["subnet-1", "subnet-2"]
    app_subnet_ids    = ["subnet-3", "subnet-4"]
    capacity          = { min = 0, max = 0, desired = 0 }
    app_bundle_path   = "tests/fixtures/placeholder.zip"
    db                = { host = "db.example.internal", port = 5432, name = "pilotlight", secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1" }
    region_role       = "primary"
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.app.policy).Statement : [
        for a in s.Action : !startswith(a, "ssm:GetParameter") && a != "ssm:*"
      ]
    ]))
    error_message = "The instance role must not read SSM parameters: nothing on the instance reads one."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.app.policy).Statement :
      toset(s.Action) == toset(["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"])
    ])
    error_message = "The instance role must carry Session Manager's five actions."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.app.policy).Statement :
      s.Sid == "DecryptDbSecret" && try(s.Condition.StringEquals["kms:ViaService"], "") == "secretsmanager.eu-west-1.amazonaws.com"
    ])
    error_message = "The DB secret's key may decrypt only through this region's Secrets Manager."
  }
}

run "app_rejects_invalid_inputs" {
  command = plan
  module {
    source = "./modules/app"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name              = "test-primary"
    vpc_id            = "vpc-0123"
    public_subnet_ids = ["subnet-1", "subnet-2"]
    app_subnet_ids    = ["subnet-3", "subnet-4"]
    capacity          = { min = 2, max = 1, desired = 1 }
    app_bundle_path   = "tests/fixtures/placeholder.zip"
    db                = { host = "db.example.internal", port = 5432, name = "pilotlight", secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1" }
    region_role       = "standby"
    certificate_arn   = "my-cert"
    app_port          = 80
    target_health     = { healthy_threshold = 1 }
    warm_pool_size    = 1.5
  }
  expect_failures = [var.region_role, var.certificate_arn, var.app_port, var.target_health, var.capacity, var.warm_pool_size]
}

run "database_rejects_invalid_inputs" {
  command = plan
  module {
    source = "./modules/database"
  }
  providers = {
    aws = aws.primary
  }
  variables {
    name                        = "test"
    vpc_id                      = "vpc-1"
    subnet_ids                  = ["subnet-1", "subnet-2"]
    app_security_group_id       = "sg-1"
    secret_replica              = { region = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/2" }
    engine_version              = "16.4"
    backup_retention_days       = 0
    secret_recovery_window_days = 3
    app_username                = "rds_app"
    app_password_version        = 0
  }
  expect_failures = [var.engine_version, var.backup_retention_days, var.secret_recovery_window_days, var.app_username, var.app_password_version]
}

# The app must never connect as the master user: that role could lift the write fence.
run "database_rejects_the_master_user_as_the_app_role" {
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
    username              = "pilotlight"
    app_username          = "pilotlight"
  }
  expect_failures = [aws_secretsmanager_secret_version.app]
}

# The promotion settings in the config document (RDS API reference, PromoteReadReplica:
# BackupRetentionPeriod 0 to 35, PreferredBackupWindow hh24:mi-hh24:mi UTC, at least 30 minutes).
# The document is tests/fixtures/config-document.json (test/fixtures/config.ts's exampleConfig,
# deployment "test"), not run.root_wiring's output: OpenTofu's `run` does not carry that run here.
run "config_document_backup_window" {
  command = plan
  module {
    source = "./modules/config"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    deployment = "test"
    document = merge(jsondecode(file("tests/fixtures/config-document.json")), {
      backup = merge(jsondecode(file("tests/fixtures/config-document.json")).backup, {
        db = merge(jsondecode(file("tests/fixtures/config-document.json")).backup.db, { backupWindow = "23:45-00:15" })
      })
    })
  }
  assert {
    condition     = jsondecode(aws_ssm_parameter.config.value).backup.db.backupWindow == "23:45-00:15"
    error_message = "A 30-minute window across midnight is valid and written to the document."
  }
}

run "config_rejects_backup_retention_days" {
  command = plan
  module {
    source = "./modules/config"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    deployment = "test"
    document = merge(jsondecode(file("tests/fixtures/config-document.json")), {
      backup = merge(jsondecode(file("tests/fixtures/config-document.json")).backup, {
        db = merge(jsondecode(file("tests/fixtures/config-document.json")).backup.db, { backupRetentionDays = 0 })
      })
    })
  }
  expect_failures = [var.document]
}

run "config_rejects_backup_window" {
  command = plan
  module {
    source = "./modules/config"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    deployment = "test"
    document = merge(jsondecode(file("tests/fixtures/config-document.json")), {
      backup = merge(jsondecode(file("tests/fixtures/config-document.json")).backup, {
        db = merge(jsondecode(file("tests/fixtures/config-document.json")).backup.db, { backupWindow = "03:00-03:20" })
      })
    })
  }
  expect_failures = [var.document]
}

run "dns_rejects_health_check_interval_and_alarm_evaluation_periods" {
  command = plan
  module {
    source = "./modules/dns"
  }
  providers = {
    aws = aws.us_east_1
  }
  variables {
    latch                    = { bucket_domain_name = "test-latch-1.s3.eu-central-1.amazonaws.com", key = "latch-0123456789abcdef" }
    name                     = "test"
    subscriber_function_arn  = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
    zone_id                  = "Z0123456789TESTZONE"
    record_name              = "app.test.example.com"
    primary_alb              = { dns_name = "p.elb.amazonaws.com", zone_id = "Z32O12XQLNTSW2", https = false }
    backup_alb               = { dns_name = "b.elb.amazonaws.com", zone_id = "Z215JYRZR1TBD5", https = false }
    alarm_evaluation_periods = 0
    health_check             = { interval_seconds = 20, failure_threshold = 3 }
  }
  expect_failures = [var.health_check, var.alarm_evaluation_periods]
}

run "dns_rejects_health_check_threshold" {
  command = plan
  module {
    source = "./modules/dns"
  }
  providers = {
    aws = aws.us_east_1
  }
  variables {
    latch                    = { bucket_domain_name = "test-latch-1.s3.eu-central-1.amazonaws.com", key = "latch-0123456789abcdef" }
    name                     = "test"
    subscriber_function_arn  = "arn:aws:lambda:eu-central-1:123456789012:function:test-failover"
    zone_id                  = "Z0123456789TESTZONE"
    record_name              = "app.test.example.com"
    primary_alb              = { dns_name = "p.elb.amazonaws.com", zone_id = "Z32O12XQLNTSW2", https = false }
    backup_alb               = { dns_name = "b.elb.amazonaws.com", zone_id = "Z215JYRZR1TBD5", https = false }
    alarm_evaluation_periods = 2
    health_check             = { interval_seconds = 10, failure_threshold = 0 }
  }
  expect_failures = [var.health_check]
}

run "failover_rejects_invalid_inputs" {
  command = plan
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
    alarm_topic_arn       = "arn:aws:sns:us-east-1:123456789012:t"
    alarm_arn             = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"
    probe_alarm_arn       = "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:b"
    health_check_arn      = "arn:aws:route53:::healthcheck/h"
    replica_db_arn        = "arn:aws:rds:eu-central-1:123456789012:db:r"
    primary_db_arn        = "arn:aws:rds:eu-west-1:123456789012:db:p"
    backup_asg_arn        = "arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:1:autoScalingGroupName/b"
    primary_asg_arn       = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1111:autoScalingGroupName/test-primary-app"
    ops_emails            = ["not-an-address"]
    log_retention_days    = 100
  }
  expect_failures = [var.ops_emails, var.log_retention_days]
}

run "readiness_rejects_schedule_expression" {
  command = plan
  module {
    source = "./modules/readiness"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                  = "test"
    package_path          = "tests/fixtures/placeholder.zip"
    config_parameter_name = "/pilotlight/test/config"
    log_kms_key_arn       = "arn:aws:kms:eu-central-1:123456789012:key/2"
    targets               = { primary_db_arn = "a", replica_db_arn = "a", health_check_arn = "a", latch_object_arn = "a", latch_bucket_arn = "a", alarm_arn = "a", lock_table_arn = "a", failover_function_arn = "a", ops_topic_arn = "a", alarm_topic_arn = "a", failover_role_arn = "a", ops_kms_key_arn = "a", backup_secret_arn = "a", artifact_bucket = "a", artifact_key = "a", ami_parameter = "/a" }
    schedule_expression   = "every 5 minutes"
  }
  expect_failures = [var.schedule_expression]
}

run "database_replica_rejects_source_db_arn" {
  command = plan
  module {
    source = "./modules/database-replica"
  }
  providers = {
    aws = aws.backup
  }
  variables {
    name                  = "test"
    source_db_arn         = "test-primary"
    vpc_id                = "vpc-2"
    subnet_ids            = ["subnet-3", "subnet-4"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-2"
  }
  expect_failures = [var.source_db_arn]
}
