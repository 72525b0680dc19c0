variable "name" {
  description = "Name prefix of every resource (the deployment name), 1 to 237 letters, digits, hyphens and underscores."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,237}$", var.name))
    error_message = "name must be 1 to 237 letters, digits, hyphens and underscores: the alarm <name>-primary-unhealthy may have 255 characters and the topic <name>-primary-health letters, digits, hyphens and underscores only."
  }
}

variable "zone_id" {
  description = "ID of the Route 53 hosted zone that holds record_name."
  type        = string
}

variable "record_name" {
  description = "The application's DNS name (failover alias records), such as app.example.com."
  type        = string
}

variable "primary_alb" {
  description = "The primary region's ALB: DNS name, canonical zone ID, and whether it serves HTTPS."
  type = object({
    dns_name = string
    zone_id  = string
    https    = bool
  })
}

variable "backup_alb" {
  description = "The backup region's ALB: DNS name, canonical zone ID, whether it serves HTTPS, and the shallow path its target group checks (B's endpoint check asks the same)."
  type = object({
    dns_name          = string
    zone_id           = string
    https             = bool
    health_check_path = optional(string, "/healthz")
  })

  validation {
    condition     = can(regex("^/[^ ]{0,254}$", var.backup_alb.health_check_path))
    error_message = "backup_alb.health_check_path must start with / and hold at most 255 characters without spaces (a Route 53 resource path)."
  }
}

variable "health_check" {
  description = "Route 53 health check of the primary ALB: request interval (10 or 30 s), failure threshold (1 to 10), path, and the string its body must contain."
  type = object({
    interval_seconds  = number
    failure_threshold = number
    resource_path     = optional(string, "/health")
    search_string     = optional(string, "\"status\":\"ok\"")
  })

  validation {
    condition     = contains([10, 30], var.health_check.interval_seconds)
    error_message = "health_check.interval_seconds must be 10 or 30 (the intervals Route 53 offers)."
  }

  validation {
    condition     = var.health_check.failure_threshold >= 1 && var.health_check.failure_threshold <= 10 && floor(var.health_check.failure_threshold) == var.health_check.failure_threshold
    error_message = "health_check.failure_threshold must be a whole number from 1 to 10."
  }
}

variable "latch" {
  description = "The latch object the latch check reads: the bucket's regional domain name (terraform/modules/latch) and the object's key."
  type = object({
    bucket_domain_name = string
    key                = string
  })

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]{1,200}$", var.latch.key))
    error_message = "latch.key must be 1 to 200 letters, digits, dots, hyphens and underscores (it is the check's resource path)."
  }
}

variable "health_signal_name" {
  description = "DNS name of the health-signal TXT pair (null: _pilotlight-health.<record_name>). Must be in the zone."
  type        = string
  default     = null
}

variable "health_signal_name_servers" {
  description = "Name servers the probe and the guard ask for the health signal (null: the zone's own). Local mode sets 127.0.0.1:<port>, where the harness answers as Route 53."
  type        = list(string)
  default     = null

  validation {
    condition     = var.health_signal_name_servers == null || try(length(var.health_signal_name_servers) > 0 && alltrue([for s in var.health_signal_name_servers : can(regex("^([a-zA-Z0-9.-]+|127\\.0\\.0\\.1:[0-9]{1,5})$", s))]), false)
    error_message = "health_signal_name_servers must be null or a non-empty list of host names (or 127.0.0.1:<port> in local mode)."
  }
}

variable "alarm_evaluation_periods" {
  description = "Consecutive one-minute periods the health check must be unhealthy before the alarm fires."
  type        = number

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number >= 1."
  }
}

variable "subscriber_function_arn" {
  description = "ARN of the failover function (in the backup region) subscribed to the alarm topic. The subscription is made here, in the topic's region; the function's module grants SNS the invoke permission."
  type        = string
}

variable "alarm_enabled" {
  description = "Create the CloudWatch alarm. Always true on AWS; local mode sets false because the emulator does not serve the protocol this provider's CloudWatch client speaks (the local harness creates the same alarm with the SDK)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
