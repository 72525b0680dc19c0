# Smoke configuration: proves the toolchain (CLI, locally built hashicorp/aws, CLI config file)
# and the emulator: init, validate and plan offline, apply and destroy against moto.
terraform {
  required_version = ">= 1.7"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.48, < 7.0"
    }
  }
}

variable "endpoint" {
  description = "The emulator's endpoint URL (scripts/emulator start prints it)."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^http://127\\.0\\.0\\.1:[0-9]+$", var.endpoint))
    error_message = "endpoint must be a loopback URL such as http://127.0.0.1:5000: the smoke test only runs against the local emulator."
  }
}

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = false

  endpoints {
    ssm = var.endpoint
    sts = var.endpoint
  }
}

# Two parameters, the second referencing the first: a dependency, and quick to create and
# delete (an SQS queue's deletion alone took 140 s against moto).
resource "aws_ssm_parameter" "origin" {
  #checkov:skip=CKV2_AWS_34:Smoke test against the emulator; the value is not a secret.
  name           = "/pilotlight/smoke/origin"
  type           = "String"
  insecure_value = "pilotlight-smoke"
}

resource "aws_ssm_parameter" "smoke" {
  #checkov:skip=CKV2_AWS_34:Smoke test against the emulator; the value is not a secret.
  name = "/pilotlight/smoke/reference"
  type = "String"
  # insecure_value: a plain String that plans and outputs without being marked sensitive.
  insecure_value = "${aws_ssm_parameter.origin.arn} ${aws_ssm_parameter.origin.insecure_value}"
}

output "reference" {
  description = "The second parameter's value, read back: the first one's ARN and value."
  value       = aws_ssm_parameter.smoke.insecure_value
}
