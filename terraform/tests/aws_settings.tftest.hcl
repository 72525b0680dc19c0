# What AWS enforces and the emulator does not (docs/terraform.md, Network reachability): the VPC
# endpoints the reachability contract names, the refused network configuration, Local Zones kept
# out of the subnets, the readiness alarms' period, the final snapshot's name. Module runs against
# one mock provider; the provider's own argument validation still runs.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1", name = "eu-west-1" }
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
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pilotlight/test/db-AbCdEf" }
  }
}

# The defaults: no NAT gateway, the endpoints on. Each call of a program in the VPC (the instance's
# user data, the app, the SSM Agent) must have its endpoint, or on AWS it never reaches the
# service: without the autoscaling endpoint the launch hook is never completed and every instance
# is abandoned after 600 s (Amazon EC2 Auto Scaling and interface VPC endpoints).
run "network_endpoints_are_the_contracts" {
  command = plan
  module {
    source = "./modules/network"
  }
  variables {
    name       = "test-primary"
    cidr_block = "10.10.0.0/16"
  }

  assert {
    condition = sort(keys(aws_vpc_endpoint.interface)) == sort(flatten([
      for p in values(jsondecode(file("modules/network/reachability.json")).programs) : [
        for service, call in p.calls : service if try(call.endpoint, null) == "interface"
      ] if p.network == "vpc"
    ]))
    error_message = "The interface endpoints (${join(", ", sort(keys(aws_vpc_endpoint.interface)))}) must be those modules/network/reachability.json names for the programs in the VPC."
  }
  assert {
    condition     = aws_vpc_endpoint.interface["autoscaling"].service_name == "com.amazonaws.eu-west-1.autoscaling" && aws_vpc_endpoint.interface["autoscaling"].private_dns_enabled
    error_message = "The user data's complete-lifecycle-action needs com.amazonaws.<region>.autoscaling with private DNS."
  }
  assert {
    condition     = length(aws_route.private_nat) == 0
    error_message = "The defaults have no NAT gateway: the endpoints are the only path."
  }
}

run "network_endpoints_cover_gateway_services" {
  command = plan
  module {
    source = "./modules/network"
  }
  variables {
    name       = "test-primary"
    cidr_block = "10.10.0.0/16"
  }

  assert {
    condition     = sort(keys(aws_vpc_endpoint.gateway)) == sort(["s3"]) && aws_vpc_endpoint.gateway["s3"].vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.gateway["s3"].service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "The S3 gateway endpoint (the app bundle, dnf's repositories) must follow the contract."
  }
}

# NAT only: every call leaves through the NAT gateway; no endpoint is created (nor paid for).
run "network_nat_only" {
  command = plan
  module {
    source = "./modules/network"
  }
  variables {
    name                  = "test-primary"
    cidr_block            = "10.10.0.0/16"
    nat_gateway_enabled   = true
    vpc_endpoints_enabled = false
  }

  assert {
    condition     = length(aws_route.private_nat) == 1 && length(aws_vpc_endpoint.interface) == 0
    error_message = "NAT only: the private route table's default route goes to the NAT gateway, and no endpoint is created."
  }
}

# Neither a NAT gateway nor endpoints: the instances would reach no AWS service.
run "network_refuses_no_path" {
  command = plan
  module {
    source = "./modules/network"
  }
  variables {
    name                  = "test-primary"
    cidr_block            = "10.10.0.0/16"
    nat_gateway_enabled   = false
    vpc_endpoints_enabled = false
  }
  expect_failures = [var.vpc_endpoints_enabled]
}

# DescribeAvailabilityZones returns the Local Zones a region's account opted into too, and
# us-west-2-lax-1a sorts before us-west-2a: only the region's own zones may hold subnets.
run "network_zones_exclude_local_zones" {
  command = plan
  module {
    source = "./modules/network"
  }
  variables {
    name       = "test-primary"
    cidr_block = "10.10.0.0/16"
  }

  assert {
    condition = anytrue([
      for f in data.aws_availability_zones.available[0].filter : f.name == "zone-type" && f.values == toset(["availability-zone"])
    ])
    error_message = "The availability zones must be filtered to zone-type availability-zone (no Local Zones or Wavelength Zones)."
  }
  assert {
    condition = anytrue([
      for f in data.aws_availability_zones.available[0].filter : f.name == "opt-in-status" && f.values == toset(["opt-in-not-required"])
    ])
    error_message = "The availability zones must be filtered to opt-in-status opt-in-not-required."
  }
}

# The readiness function runs on readiness_schedule and publishes its metric once a run: with a
# shorter period most periods hold no datapoint, and readiness-failed (missing data breaching) sat
# in ALARM while readiness-errors (Sum > 0 in 2 consecutive periods) could never fire.
run "readiness_alarms_follow_the_schedule" {
  command = plan
  module {
    source = "./modules/observability"
  }
  variables {
    name                    = "test"
    failover_function_name  = "test-failover"
    readiness_function_name = "test-readiness"
    failure_queue_name      = "test-failover-failures"
    replica_db_instance_id  = "test-replica"
    backup_asg_name         = "test-backup-app"
    replica_lag_seconds_max = 300
    ops_topic_arn           = "arn:aws:sns:eu-west-1:123456789012:test-ops"
    readiness_schedule      = "rate(5 minutes)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["readiness-failed"].period == 300 && aws_cloudwatch_metric_alarm.this["readiness-errors"].period == 300
    error_message = "The readiness alarms' period must be the schedule's interval (300 s for rate(5 minutes)): one run, one datapoint."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["readiness-failed"].evaluation_periods == 2 && aws_cloudwatch_metric_alarm.this["readiness-errors"].evaluation_periods == 2
    error_message = "Two consecutive runs must fail (or be missing) before the readiness alarms fire."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["failover-errors"].period == 60
    error_message = "The other alarms keep their one-minute period."
  }
}

run "readiness_alarms_follow_an_hourly_schedule" {
  command = plan
  module {
    source = "./modules/observability"
  }
  variables {
    name                    = "test"
    failover_function_name  = "test-failover"
    readiness_function_name = "test-readiness"
    failure_queue_name      = "test-failover-failures"
    replica_db_instance_id  = "test-replica"
    backup_asg_name         = "test-backup-app"
    replica_lag_seconds_max = 300
    ops_topic_arn           = "arn:aws:sns:eu-west-1:123456789012:test-ops"
    readiness_schedule      = "rate(1 hour)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["readiness-failed"].period == 3600 && aws_cloudwatch_metric_alarm.this["readiness-errors"].period == 3600
    error_message = "rate(1 hour): the readiness alarms' period must be 3600 s."
  }
}

# A cron expression has no fixed interval, so no alarm period follows it.
run "readiness_alarms_refuse_a_cron_schedule" {
  command = plan
  module {
    source = "./modules/observability"
  }
  variables {
    name                    = "test"
    failover_function_name  = "test-failover"
    readiness_function_name = "test-readiness"
    failure_queue_name      = "test-failover-failures"
    replica_db_instance_id  = "test-replica"
    backup_asg_name         = "test-backup-app"
    replica_lag_seconds_max = 300
    ops_topic_arn           = "arn:aws:sns:eu-west-1:123456789012:test-ops"
    readiness_schedule      = "cron(0/5 * * * ? *)"
  }
  expect_failures = [var.readiness_schedule]
}

# DeleteDBInstance with a FinalDBSnapshotIdentifier that exists fails (DBSnapshotAlreadyExists):
# a fixed name lets only the first destroy (or replacement) of the database succeed.
run "database_final_snapshot_is_unique" {
  command = plan
  module {
    source = "./modules/database"
  }
  variables {
    name                  = "test"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
    account_id            = "123456789012"
  }

  assert {
    condition     = can(regex("^test-primary-final-[0-9]{14}$", aws_db_instance.this.final_snapshot_identifier))
    error_message = "The final snapshot identifier (${aws_db_instance.this.final_snapshot_identifier}) must carry the instance's creation time, so that each destroy writes a new snapshot."
  }
}

# The promoted replica (the role switch) is the primary now: its final snapshot too.
run "database_replica_final_snapshot_is_unique" {
  command = plan
  module {
    source = "./modules/database-replica"
  }
  variables {
    name                  = "test"
    source_db_arn         = "arn:aws:rds:eu-central-1:123456789012:db:test-primary"
    vpc_id                = "vpc-2"
    subnet_ids            = ["subnet-5", "subnet-6"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-2"
    promoted              = true
  }

  assert {
    condition     = can(regex("^test-replica-final-[0-9]{14}$", aws_db_instance.replica.final_snapshot_identifier))
    error_message = "The promoted replica's final snapshot identifier (${aws_db_instance.replica.final_snapshot_identifier}) must carry the instance's creation time."
  }
}

# Without windows RDS picks a random 30-minute maintenance window per region (where it applies
# mandatory upgrades whatever auto_minor_version_upgrade says) and a random backup window (a
# replica cannot be promoted while it is backing up). The deployment sets both.
run "database_windows_are_set" {
  command = plan
  module {
    source = "./modules/database"
  }
  variables {
    name                  = "test"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
    account_id            = "123456789012"
    maintenance_window    = "sun:03:00-sun:03:30"
    backup_window         = "02:00-02:30"
  }

  assert {
    condition     = aws_db_instance.this.maintenance_window == "sun:03:00-sun:03:30" && aws_db_instance.this.backup_window == "02:00-02:30"
    error_message = "The primary must take the maintenance and backup windows given."
  }
}

# CreateDBInstance: PreferredBackupWindow "must not conflict with the preferred maintenance window",
# and each window lasts at least 30 minutes. Here the daily backup window runs into Sunday's
# maintenance; across the week's end too.
run "database_rejects_overlapping_windows" {
  command = plan
  module {
    source = "./modules/database"
  }
  variables {
    name                  = "test"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
    account_id            = "123456789012"
    maintenance_window    = "sun:23:50-mon:00:30"
    backup_window         = "00:10-00:40"
  }
  expect_failures = [var.backup_window]
}

# (A variable whose validation reads another is not checked once that one failed: a run each.)
run "database_rejects_short_maintenance_window" {
  command = plan
  module {
    source = "./modules/database"
  }
  variables {
    name                  = "test"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
    account_id            = "123456789012"
    maintenance_window    = "sun:03:00-sun:03:20"
    backup_window         = "02:00-02:30"
  }
  expect_failures = [var.maintenance_window]
}

run "database_rejects_short_backup_window" {
  command = plan
  module {
    source = "./modules/database"
  }
  variables {
    name                  = "test"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
    account_id            = "123456789012"
    maintenance_window    = "sun:03:00-sun:03:30"
    backup_window         = "02:00-02:20"
  }
  expect_failures = [var.backup_window]
}

# The promoted replica is the primary: as P's database, no automatic minor upgrades (they take a
# Multi-AZ instance down for minutes), and the same windows.
run "database_replica_promoted_follows_the_primary" {
  command = plan
  module {
    source = "./modules/database-replica"
  }
  variables {
    name                  = "test"
    source_db_arn         = "arn:aws:rds:eu-central-1:123456789012:db:test-primary"
    vpc_id                = "vpc-2"
    subnet_ids            = ["subnet-5", "subnet-6"]
    subnet_group_name     = "test-db"
    app_security_group_id = "sg-2"
    promoted              = true
    maintenance_window    = "sun:03:00-sun:03:30"
    backup_window         = "02:00-02:30"
  }

  assert {
    condition     = aws_db_instance.replica.auto_minor_version_upgrade == false
    error_message = "The promoted replica must stop automatic minor upgrades, as the primary."
  }
  assert {
    condition     = aws_db_instance.replica.maintenance_window == "sun:03:00-sun:03:30" && aws_db_instance.replica.backup_window == "02:00-02:30"
    error_message = "The replica must take the maintenance and backup windows given."
  }
}

# A major upgrade (db_engine_version 16 -> 17): ModifyDBInstance needs AllowMajorVersionUpgrade,
# and the primary takes a parameter group of the new family in the same call. RDS upgrades the
# read replicas with their primary ("Choosing a major version for an RDS for PostgreSQL
# upgrade"), so the replica's parameter group follows the version the primary runs
# (engine_version_actual), not the one asked for: it moves to the new family on the plan after
# the upgrade, never before the replica runs it.
run "database_major_upgrade" {
  command = apply
  module {
    source = "./modules/database"
  }
  variables {
    name                  = "test"
    vpc_id                = "vpc-1"
    subnet_ids            = ["subnet-1", "subnet-2"]
    app_security_group_id = "sg-1"
    secret_replica        = { region = "eu-central-1" }
    account_id            = "123456789012"
    engine_version        = "17"
  }
  override_resource {
    target = aws_db_instance.this
    values = { engine_version_actual = "16.4" }
  }

  assert {
    condition     = aws_db_instance.this.allow_major_version_upgrade == true && aws_db_parameter_group.this.family == "postgres17"
    error_message = "The primary must be allowed the major upgrade, with a parameter group of the new family."
  }
  assert {
    condition     = output.engine_version_running == "16"
    error_message = "While the primary still runs 16.4, the replica's parameter group must stay in the postgres16 family (engine_version_running = ${output.engine_version_running})."
  }
}
