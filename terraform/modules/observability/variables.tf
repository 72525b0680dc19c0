variable "name" {
  description = "Name prefix of every resource (the deployment name), 1 to 238 letters, digits, hyphens and underscores."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,238}$", var.name))
    error_message = "name must be 1 to 238 letters, digits, hyphens and underscores: the alarm <name>-readiness-errors and the dashboard may have 255 letters, digits, hyphens and underscores."
  }
}

variable "enabled" {
  description = "Create the dashboard and alarms. Always true on AWS; local mode sets false because the emulator does not serve the protocol this provider's CloudWatch client speaks."
  type        = bool
  default     = true
}

variable "failover_function_name" {
  description = "Name of the failover function."
  type        = string
}

variable "readiness_function_name" {
  description = "Name of the readiness function."
  type        = string
}

variable "failure_queue_name" {
  description = "Name of the failover function's failure-destination queue."
  type        = string
}

variable "replica_db_instance_id" {
  description = "Identifier of the cross-region read replica."
  type        = string
}

variable "backup_asg_name" {
  description = "Name of the backup region's Auto Scaling group (dashboard)."
  type        = string
}

variable "replica_lag_seconds_max" {
  description = "Replica lag above this many seconds alarms (the RPO bound)."
  type        = number
}

variable "readiness_metric" {
  description = "The metric the readiness function publishes each run: 1 when the backup can take over, 0 when not (namespace Pilotlight, Powertools' service dimension). The alarm fires below 1 or when it is missing."
  type = object({
    name       = optional(string, "Ready")
    dimensions = optional(map(string), { service = "pilotlight-readiness" })
  })
  default = {}
}

variable "readiness_schedule" {
  description = "The readiness function's schedule, rate(N minutes|hours|days) from 1 minute to 1 day: the readiness alarms' period is its interval, since the function publishes once a run (the readiness module's default: rate(5 minutes))."
  type        = string
  default     = "rate(5 minutes)"

  # A cron expression has no fixed interval to match; CloudWatch allows an alarm period that is a
  # multiple of 60 s (PutMetricAlarm, Period), and a day is plenty for a readiness check.
  validation {
    condition = try(
      tonumber(regex("^rate\\(([0-9]+) (minute|hour|day)s?\\)$", var.readiness_schedule)[0]) >= 1 &&
      tonumber(regex("^rate\\(([0-9]+) (minute|hour|day)s?\\)$", var.readiness_schedule)[0]) * { minute = 60, hour = 3600, day = 86400 }[regex("^rate\\(([0-9]+) (minute|hour|day)s?\\)$", var.readiness_schedule)[1]] <= 86400,
    false)
    error_message = "readiness_schedule must be a rate expression from rate(1 minute) to rate(1 day), such as rate(5 minutes): the readiness alarms take its interval as their period, and a cron expression has none."
  }
}

variable "ops_topic_arn" {
  description = "ARN of the ops SNS topic the alarms notify."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "guard_blocked_minutes" {
  description = "Minutes in a row the failover guard must refuse for a reason that may hide a real outage (GuardBlocked) before the guard-blocked alarm pages the ops topic."
  type        = number
  default     = 3

  validation {
    condition     = var.guard_blocked_minutes >= 1 && var.guard_blocked_minutes <= 60 && floor(var.guard_blocked_minutes) == var.guard_blocked_minutes
    error_message = "guard_blocked_minutes must be a whole number of minutes from 1 to 60 (the re-evaluation publishes once a minute)."
  }
}
