variable "name" {
  description = "Name prefix of every resource (the deployment name), 1 to 55 letters, digits, hyphens and underscores."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,55}$", var.name))
    error_message = "name must be 1 to 55 letters, digits, hyphens and underscores: the function and its IAM role <name>-failover: Lambda function names have at most 64 letters, digits, hyphens and underscores."
  }
}

variable "package_path" {
  description = "Local path of the failover function's bundle (dist/functions/failover.zip: index.mjs, handler index.handler)."
  type        = string
}

variable "config_parameter_name" {
  description = "Name of the SSM parameter holding the deployment-config document (/pilotlight/<deployment>/config, in this region)."
  type        = string
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic in us-east-1 that the primary-health alarm notifies; only it may invoke the function."
  type        = string
}

variable "alarm_arn" {
  description = "ARN of the primary-health alarm (the function reads its state)."
  type        = string
}

variable "probe_alarm_arn" {
  description = "ARN of the probe alarm in this region (modules/probe): the re-evaluation reads its state."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:.+$", var.probe_alarm_arn))
    error_message = "probe_alarm_arn must be a CloudWatch alarm ARN."
  }
}

variable "health_check_arn" {
  description = "ARN of P's Route 53 endpoint check (the guard reads its status, best effort)."
  type        = string
}

variable "latch" {
  description = "The latch object in the backup region (terraform/modules/latch): its ARN (the function writes and reads it back) and its bucket's ARN (s3:ListBucket, so an absent latch reads 404)."
  type = object({
    object_arn = string
    bucket_arn = string
  })
}

variable "replica_db_arn" {
  description = "ARN of the cross-region read replica the function promotes."
  type        = string
}

variable "primary_db_arn" {
  description = "ARN of the primary database: the guard describes it, best effort, to hold while an in-region recovery is under way."
  type        = string
}

variable "primary_asg_arn" {
  description = "ARN of the primary region's Auto Scaling group: the fence scales it to zero, best effort, where P's API answers."
  type        = string
}

variable "backup_asg_arn" {
  description = "ARN of the backup region's Auto Scaling group the function scales."
  type        = string
}

variable "ops_emails" {
  description = "E-mail addresses subscribed to the ops topic (each must confirm its subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.ops_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "ops_emails must hold e-mail addresses such as oncall@example.com."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups, days (a CloudWatch Logs retention value)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value such as 30, 90 or 365."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the failover function. It returns in seconds (it never waits for the promotion); the margin covers slow API calls."
  type        = number
  default     = 60
}

variable "maximum_retry_attempts" {
  description = "Async retries of a failed failover (each step is idempotent; a retry resumes where it stopped)."
  type        = number
  default     = 2
}

variable "maximum_event_age_seconds" {
  description = "How long an undelivered failover event is retried before it goes to the failure destination."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
