terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = ">= 6.48"
      configuration_aliases = [aws.primary, aws.backup, aws.us_east_1]
    }
  }
}
