variable "name" {
  description = "Name prefix of every resource (the deployment name), 1 to 54 letters, digits, hyphens and underscores."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,54}$", var.name))
    error_message = "name must be 1 to 54 letters, digits, hyphens and underscores: the function and its IAM role <name>-readiness: Lambda function names have at most 64 letters, digits, hyphens and underscores."
  }
}

variable "package_path" {
  description = "Local path of the readiness function's bundle (dist/functions/readiness.zip: index.mjs, handler index.handler)."
  type        = string
}

variable "config_parameter_name" {
  description = "Name of the SSM parameter holding the deployment-config document (in this region)."
  type        = string
}

variable "schedule_expression" {
  description = "How often the readiness check runs (an EventBridge rate or cron expression)."
  type        = string
  default     = "rate(5 minutes)"

  validation {
    condition     = can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be an EventBridge expression such as rate(5 minutes) or cron(0/5 * * * ? *)."
  }
}

variable "targets" {
  description = "What the readiness check may read: ARNs of the replica, the health check, the latch object and its bucket, the alarm, the lock table, the failover function and its role, the ops key, the alarm topic, and the AMI parameter name."
  type = object({
    replica_db_arn        = string
    health_check_arn      = string
    latch_object_arn      = string
    latch_bucket_arn      = string
    alarm_arn             = string
    lock_table_arn        = string
    failover_function_arn = string
    alarm_topic_arn       = string
    failover_role_arn     = string
    ops_kms_key_arn       = string
    ami_parameter         = string
  })
}

variable "log_retention_days" {
  description = "Retention of the function's log group, days."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the function's log group (its policy must admit CloudWatch Logs)."
  type        = string
}

variable "timeout_seconds" {
  description = "Timeout of the readiness function."
  type        = number
  default     = 60
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
