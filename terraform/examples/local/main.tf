# The same root module against the local AWS API emulator (moto on loopback): endpoints, fake
# credentials and skip flags live here only. scripts/test-terraform applies and destroys it.

terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.48, < 7.0"
    }
  }
}

# P's regional endpoints can be pointed elsewhere (primary_endpoint): scripts/test-terraform aims
# them at a port that refuses, to prove the role switch plans while P is unreachable. STS and the
# global IAM stay on the emulator: the role-switch procedure has the primary provider use B's STS
# (sts_region, docs/terraform.md).
locals {
  primary_endpoint = coalesce(var.primary_endpoint, var.endpoint)
}

provider "aws" {
  alias                       = "primary"
  region                      = var.regions.primary
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # moto's STS answers; without the account id, rules that reference a security group show a
  # perpetual diff (terraform/README.md, emulator gaps).
  skip_requesting_account_id = false
  s3_use_path_style          = true
  # S3 bucket tags go through S3 Control with the account id as a host prefix
  # (123456789012.127.0.0.1), which does not resolve; through the emulator as a proxy they reach it
  # (moto routes /v20180820/ to S3 Control). Plain loopback requests are never proxied.
  http_proxy = local.primary_endpoint

  endpoints {
    autoscaling    = local.primary_endpoint
    cloudwatch     = local.primary_endpoint
    dynamodb       = local.primary_endpoint
    ec2            = local.primary_endpoint
    elbv2          = local.primary_endpoint
    events         = local.primary_endpoint
    iam            = var.endpoint
    kms            = local.primary_endpoint
    lambda         = local.primary_endpoint
    logs           = local.primary_endpoint
    rds            = local.primary_endpoint
    route53        = var.endpoint
    s3             = local.primary_endpoint
    secretsmanager = local.primary_endpoint
    sns            = local.primary_endpoint
    sqs            = local.primary_endpoint
    ssm            = local.primary_endpoint
    sts            = var.endpoint
  }
}

provider "aws" {
  alias                       = "backup"
  region                      = var.regions.backup
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # moto's STS answers; without the account id, rules that reference a security group show a
  # perpetual diff (terraform/README.md, emulator gaps).
  skip_requesting_account_id = false
  s3_use_path_style          = true
  # S3 bucket tags go through S3 Control with the account id as a host prefix
  # (123456789012.127.0.0.1), which does not resolve; through the emulator as a proxy they reach it
  # (moto routes /v20180820/ to S3 Control). Plain loopback requests are never proxied.
  http_proxy = var.endpoint

  endpoints {
    autoscaling    = var.endpoint
    cloudwatch     = var.endpoint
    dynamodb       = var.endpoint
    ec2            = var.endpoint
    elbv2          = var.endpoint
    events         = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = var.endpoint
    logs           = var.endpoint
    rds            = var.endpoint
    route53        = var.endpoint
    s3             = var.endpoint
    secretsmanager = var.endpoint
    sns            = var.endpoint
    sqs            = var.endpoint
    ssm            = var.endpoint
    sts            = var.endpoint
  }
}

provider "aws" {
  alias                       = "us_east_1"
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # moto's STS answers; without the account id, rules that reference a security group show a
  # perpetual diff (terraform/README.md, emulator gaps).
  skip_requesting_account_id = false
  s3_use_path_style          = true
  # S3 bucket tags go through S3 Control with the account id as a host prefix
  # (123456789012.127.0.0.1), which does not resolve; through the emulator as a proxy they reach it
  # (moto routes /v20180820/ to S3 Control). Plain loopback requests are never proxied.
  http_proxy = var.endpoint

  endpoints {
    autoscaling    = var.endpoint
    cloudwatch     = var.endpoint
    dynamodb       = var.endpoint
    ec2            = var.endpoint
    elbv2          = var.endpoint
    events         = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = var.endpoint
    logs           = var.endpoint
    rds            = var.endpoint
    route53        = var.endpoint
    s3             = var.endpoint
    secretsmanager = var.endpoint
    sns            = var.endpoint
    sqs            = var.endpoint
    ssm            = var.endpoint
    sts            = var.endpoint
  }
}

# On AWS the zone exists before the deployment; here the example creates it.
resource "aws_route53_zone" "this" {
  provider = aws.us_east_1

  name          = "${var.deployment}.example.com"
  force_destroy = true
  #checkov:skip=CKV2_AWS_38:DNSSEC signing needs a KMS key in us-east-1 and a parent zone; this zone exists only in the emulator.
  #checkov:skip=CKV2_AWS_39:Query logging needs a log group in us-east-1; this zone exists only in the emulator.
}

module "pilotlight" {
  source = "../.."
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  deployment  = var.deployment
  regions     = var.regions
  dns_zone_id = aws_route53_zone.this.zone_id
  record_name = "app.${var.deployment}.example.com"

  app_bundle_path        = var.app_bundle_path
  failover_package_path  = var.failover_package_path
  readiness_package_path = var.readiness_package_path
  probe_package_path     = var.probe_package_path
  probe_target_url       = var.probe_target_url

  warm_pool_size = 1
  active_region  = var.active_region

  # Route 53's data plane, played on loopback: the checkers that read the latch object (the
  # harness, from 127.0.0.1), and the name servers that answer the health signal (the harness's,
  # src/local/harness.ts startHealthSignalServers). ip-ranges.amazonaws.com is not reachable offline.
  health_checker_cidrs       = ["127.0.0.1/32"]
  health_signal_name_servers = ["127.0.0.1:8053"]
  # The harness plays the probe's minutes at once: one datapoint decides, as one period would; one
  # check per played minute (a cadence of 60 s), which notifies the failover at its first failure.
  probe_alarm_evaluation_periods = 1
  probe_cadence_seconds          = 60
  probe_failure_count            = 1

  # No certificates against the emulator: the ALBs serve plain HTTP, on purpose.
  allow_http = true

  # Emulator gap: this provider's CloudWatch client speaks only the CBOR protocol, which moto does
  # not serve. The alarms and the dashboard are left out here; the local harness creates the
  # primary-health alarm with the AWS SDK for JavaScript (query protocol) under the name that the
  # config document carries.
  cloudwatch_enabled = false

  # Emulator fidelity (moto 5.2.5), each a perpetual diff otherwise: DescribeDBParameters omits
  # Source (the provider then keeps no parameter), Performance Insights is not stored, a secret
  # replica's KmsKeyId is ignored (it reports aws/secretsmanager), and a cross-region replica
  # reports the primary's MultiAZ.
  db_parameters                       = {}
  db_performance_insights_enabled     = false
  secret_replica_customer_managed_key = false
  replica_multi_az                    = true

  # Disposable local resources.
  db_deletion_protection        = false
  alb_deletion_protection       = false
  secret_recovery_window_days   = 0
  artifact_bucket_force_destroy = true
  latch_bucket_force_destroy    = true

  # The emulator's account (moto: 123456789012) and no IAM enforcement: the latch bucket's writer
  # list is configuration here, proven by the plan-level tests. Its CloudTrail records nothing.
  operator_arns             = ["arn:aws:iam::123456789012:role/${var.deployment}-operator"]
  latch_write_trail_enabled = false
}
