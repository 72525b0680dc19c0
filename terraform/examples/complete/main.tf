# A complete deployment on AWS: eu-west-1 primary, eu-central-1 backup, HTTPS with one ACM
# certificate per region, failover on the primary-health alarm, ops e-mails.

terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.48, < 7.0"
    }
  }
}

provider "aws" {
  alias  = "primary"
  region = var.regions.primary
}

provider "aws" {
  alias  = "backup"
  region = var.regions.backup
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

module "pilotlight" {
  source = "../.."
  providers = {
    aws.primary   = aws.primary
    aws.backup    = aws.backup
    aws.us_east_1 = aws.us_east_1
  }

  deployment       = var.deployment
  regions          = var.regions
  dns_zone_id      = var.dns_zone_id
  operator_arns    = var.operator_arns
  record_name      = var.record_name
  certificate_arns = var.certificate_arns
  ops_emails       = var.ops_emails

  app_bundle_path        = "${path.module}/../../../dist/app/pilotlight-app.zip"
  failover_package_path  = "${path.module}/../../../dist/functions/failover.zip"
  readiness_package_path = "${path.module}/../../../dist/functions/readiness.zip"
  probe_package_path     = "${path.module}/../../../dist/functions/probe.zip"

  # After a failover: set to "backup" (docs/terraform.md, "The role switch").
  active_region = var.active_region
}
