variable "name" {
  description = "Name prefix of the bucket (the deployment name): the bucket is <name>-latch-<suffix>."
  type        = string

  validation {
    # bucket_prefix may have 37 characters (<name>-latch- and <name>-trail-); S3 bucket names are lower-case letters, digits and hyphens
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,29}$", var.name))
    error_message = "name must be 1 to 30 lower-case letters, digits and hyphens, starting with a letter or digit (S3 bucket naming rules, with room for \"-latch-\")."
  }
}

variable "key" {
  description = "Key of the latch object: the latch check's resource path. The root module derives it from key_prefix and the checks' fingerprint."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]{1,200}$", var.key))
    error_message = "key must be 1 to 200 letters, digits, dots, hyphens and underscores (it is also an HTTP path)."
  }
}

variable "key_prefix" {
  description = "The part of every latch key before the fingerprint: what the refusal lists."
  type        = string
  default     = "latch-"
}

variable "health_checker_cidrs" {
  description = "The address ranges allowed to read the latch object (null: Route 53's health checkers as AWS publishes them, ip-ranges.json service ROUTE53_HEALTHCHECKS, IPv4 and IPv6)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.health_checker_cidrs == null || try(length(var.health_checker_cidrs) > 0 && alltrue([for c in var.health_checker_cidrs : can(cidrhost(c, 0))]), false)
    error_message = "health_checker_cidrs must be null or a non-empty list of CIDR blocks (IPv4 or IPv6)."
  }
}

variable "force_destroy" {
  description = "Let destroy delete the bucket with a latch object in it. Only local mode sets it."
  type        = bool
  default     = false
}

variable "writer_arns" {
  description = "The only principals that may write or delete the latch object (aws:PrincipalArn): the failover function's role and the operators' roles or users (approve writes the latch, failback deletes it). A write moves production, so nothing else in the account may make one, whatever its IAM policy grants."
  type        = list(string)

  validation {
    condition     = length(var.writer_arns) > 0 && alltrue([for a in var.writer_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "writer_arns must be a non-empty list of IAM role or user ARNs (arn:<partition>:iam::<account>:role/<name> or user/<name>)."
  }
}

variable "write_trail_enabled" {
  description = "Record every write and delete of the latch object with CloudTrail data events (a trail of this bucket's object writes and its own log bucket). Always true on AWS; local mode sets false (the emulator's CloudTrail records nothing)."
  type        = bool
  default     = true
}
