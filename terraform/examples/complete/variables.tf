variable "deployment" {
  description = "Short name of the deployment."
  type        = string
  default     = "shop"
}

variable "regions" {
  description = "Primary and backup regions."
  type = object({
    primary = string
    backup  = string
  })
  default = {
    primary = "eu-west-1"
    backup  = "eu-central-1"
  }
}

variable "operator_arns" {
  description = "The operators' IAM roles or users: with the failover function's role, the only principals that may write or delete the latch."
  type        = list(string)
}

variable "dns_zone_id" {
  description = "ID of the Route 53 hosted zone of record_name."
  type        = string
}

variable "record_name" {
  description = "The application's DNS name, such as shop.example.com."
  type        = string
}

variable "certificate_arns" {
  description = "ACM certificates for record_name, one in each region."
  type = object({
    primary = string
    backup  = string
  })
}

variable "ops_emails" {
  description = "Who receives failover timelines and readiness alarms."
  type        = list(string)
  default     = []
}

variable "active_region" {
  description = "The role switch: primary, or backup after a failover."
  type        = string
  default     = "primary"
}
