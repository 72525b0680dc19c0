variable "name" {
  description = "Name prefix of every resource (the deployment name), 1 to 48 letters, digits, hyphens and underscores."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1 to 48 letters, digits, hyphens and underscores: the alarm <name>-primary-probe-failing and the function <name>-probe must stay legal names (Lambda function names have at most 64 characters)."
  }
}

variable "package_path" {
  description = "Local path of the probe function's bundle (dist/functions/probe.zip: index.mjs, handler index.handler)."
  type        = string
}

variable "config_parameter_name" {
  description = "Name of the SSM parameter holding the deployment-config document (in this region)."
  type        = string

  validation {
    condition     = startswith(var.config_parameter_name, "/")
    error_message = "config_parameter_name must be a full SSM parameter name starting with /."
  }
}

variable "failover_function_arn" {
  description = "ARN of the failover function (in this region): subscribed to the probe alarm's topic and invoked by the re-evaluation schedule."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]+$", var.failover_function_arn))
    error_message = "failover_function_arn must be a Lambda function ARN."
  }
}

variable "failover_function_name" {
  description = "Name of the failover function: the topic and the re-evaluation rule get permission to invoke it."
  type        = string
}

variable "alarm_evaluation_periods" {
  description = "Consecutive one-minute periods the probe must fail before its alarm fires (1 to 10)."
  type        = number
  default     = 2

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && var.alarm_evaluation_periods <= 10 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number from 1 to 10."
  }
}

variable "alarm_enabled" {
  description = "Create the CloudWatch alarm. Always true on AWS; local mode sets false because the emulator does not serve the protocol this provider's CloudWatch client speaks (the local harness creates the same alarm with the SDK)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the function's log group, days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the function's log group (its policy must admit CloudWatch Logs)."
  type        = string
}

variable "cadence_seconds" {
  description = "Seconds between two checks of P inside each one-minute invocation (10, 15, 20, 30 or 60)."
  type        = number
  default     = 10

  validation {
    condition     = contains([10, 15, 20, 30, 60], var.cadence_seconds)
    error_message = "cadence_seconds must be 10, 15, 20, 30 or 60: a divisor of the one-minute schedule."
  }
}

variable "failure_count" {
  description = "Consecutive failed checks after which the probe notifies the failover function through the topic, ahead of its alarm (1 to 10)."
  type        = number
  default     = 3

  validation {
    condition     = var.failure_count >= 1 && var.failure_count <= 10 && floor(var.failure_count) == var.failure_count
    error_message = "failure_count must be a whole number from 1 to 10."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
