variable "deployment" {
  description = "Short name of this deployment, 3 to 18 characters: prefix of every resource name, the lock key, and part of the config parameter /pilotlight/<deployment>/config."
  type        = string

  # 18: the longest name built from it, the artifact bucket's prefix <deployment>-primary-artifacts-,
  # may have 37 characters (the provider appends 26 to reach S3's 63).
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}[a-z0-9]$", var.deployment))
    error_message = "deployment must be 3 to 18 lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit: the artifact bucket prefix <deployment>-primary-artifacts- may have at most 37 characters."
  }

  validation {
    condition     = !strcontains(var.deployment, "--")
    error_message = "deployment must not contain two consecutive hyphens: the RDS instance identifiers and parameter group names built from it may not."
  }

  # Every name built from it begins with "<deployment>-".
  validation {
    condition     = !can(regex("^(internal-|sg-|sthree-|amzn-s3-demo-)", "${var.deployment}-"))
    error_message = "deployment must not be, or begin with, internal-, sg-, sthree- or amzn-s3-demo-: AWS refuses load balancer names beginning with internal-, security group names beginning with sg-, and bucket names beginning with sthree- or amzn-s3-demo-."
  }
}

variable "mode" {
  description = "automatic: the alarm runs the failover. approval: the function notifies and an operator runs `pilotlight approve`."
  type        = string
  default     = "automatic"

  validation {
    condition     = contains(["automatic", "approval"], var.mode)
    error_message = "mode must be automatic or approval."
  }
}

variable "regions" {
  description = "The primary region (P) and the backup region (B). They must match the providers passed as aws.primary and aws.backup."
  type = object({
    primary = string
    backup  = string
  })

  validation {
    condition     = alltrue([for r in values(var.regions) : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", r))])
    error_message = "regions.primary and regions.backup must be AWS region names such as eu-west-1."
  }

  validation {
    condition     = var.regions.primary != var.regions.backup
    error_message = "regions.primary and regions.backup must differ: a backup in the same region does not survive a regional outage."
  }

  # The alarm's topic lives in us-east-1 (a default region); SNS does not deliver from a default
  # region to a Lambda function in an opt-in region.
  validation {
    condition = !contains([
      "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
      "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1",
      "me-central-1", "me-south-1", "mx-central-1",
    ], var.regions.backup)
    error_message = "regions.backup must not be an opt-in region: the failover function there is triggered by an SNS topic in us-east-1, and SNS does not deliver from a default region to an opt-in region."
  }
}

variable "vpc_cidrs" {
  description = "VPC CIDR blocks of the primary and backup regions (/20 or larger). They must not overlap, so that the VPCs can be peered for failback replication."
  type = object({
    primary = string
    backup  = string
  })
  default = {
    primary = "10.10.0.0/16"
    backup  = "10.20.0.0/16"
  }

  validation {
    condition     = alltrue([for c in values(var.vpc_cidrs) : can(cidrhost(c, 0)) && can(regex("^[0-9.]+/([0-9]|1[0-9]|20)$", c))])
    error_message = "vpc_cidrs.primary and vpc_cidrs.backup must be IPv4 CIDR blocks of size /20 or larger, such as 10.10.0.0/16."
  }

  # Two blocks overlap when their network addresses agree at the shorter of the two prefixes.
  validation {
    condition = !can(cidrhost(var.vpc_cidrs.primary, 0)) || !can(cidrhost(var.vpc_cidrs.backup, 0)) || (
      cidrhost("${split("/", var.vpc_cidrs.primary)[0]}/${min(tonumber(split("/", var.vpc_cidrs.primary)[1]), tonumber(split("/", var.vpc_cidrs.backup)[1]))}", 0) !=
      cidrhost("${split("/", var.vpc_cidrs.backup)[0]}/${min(tonumber(split("/", var.vpc_cidrs.primary)[1]), tonumber(split("/", var.vpc_cidrs.backup)[1]))}", 0)
    )
    error_message = "vpc_cidrs.primary and vpc_cidrs.backup overlap; choose disjoint blocks such as 10.10.0.0/16 and 10.20.0.0/16."
  }
}

variable "availability_zone_count" {
  description = "Availability zones per region (2 to 4)."
  type        = number
  default     = 2
}

variable "nat_gateway_enabled" {
  description = "One NAT gateway per region for outbound internet access from the private subnets: 730 h x 0.045 USD = 32.85 USD/month each (us-east-1 list price) plus 0.045 USD per GB. Off: the instances reach AWS through the VPC endpoints alone (vpc_endpoints_enabled); at least one of the two must be on."
  type        = bool
  default     = false
}

variable "vpc_endpoints_enabled" {
  description = "In each region, an endpoint for every AWS service the instances call (terraform/modules/network/reachability.json): interface endpoints for SSM, SSM messages, Secrets Manager and Auto Scaling (the launch hook), and the free S3 gateway endpoint (the app bundle, the AL2023 repositories). Cost: 4 endpoints x availability_zone_count x 2 regions x 730 h at 0.01 USD per endpoint and AZ-hour (us-east-1 list price; other regions may charge more): 116.80 USD/month for 2 AZs, plus 0.01 USD per GB processed. The alternative, nat_gateway_enabled, costs 2 x 730 h x 0.045 USD = 65.70 USD/month plus 0.045 USD per GB."
  type        = bool
  default     = true
}

variable "dns_zone_id" {
  description = "ID of the Route 53 hosted zone that holds record_name."
  type        = string
}

variable "record_name" {
  description = "The application's DNS name, such as app.example.com (failover alias records)."
  type        = string
}

variable "certificate_arns" {
  description = "ACM certificate ARNs for the HTTPS listeners, one per region (the certificate must live in the ALB's region). Required unless allow_http is true."
  type = object({
    primary = optional(string)
    backup  = optional(string)
  })
  default = {}

  validation {
    condition     = var.allow_http || (var.certificate_arns.primary != null && var.certificate_arns.backup != null)
    error_message = "certificate_arns.primary and certificate_arns.backup are required: without them the ALBs serve plain HTTP. Give one ACM certificate per region (in the ALB's region), or set allow_http = true to serve plain HTTP on purpose (local mode, a first trial)."
  }
}

variable "allow_http" {
  description = "Serve plain HTTP when certificate_arns is not given: local mode (examples/local) and first trials only. false: both certificates are required, and port 80 only redirects to HTTPS."
  type        = bool
  default     = false
}

variable "detection" {
  description = "Failure detection: Route 53 health-check interval (10 or 30 s) and failure threshold (1 to 10), and the alarm's one-minute evaluation periods. The window interval x threshold + periods x 60 must exceed 120 s, the time an in-region Multi-AZ failover takes."
  type = object({
    interval_seconds         = optional(number, 10)
    failure_threshold        = optional(number, 3)
    alarm_evaluation_periods = optional(number, 2)
  })
  default = {}

  validation {
    condition     = contains([10, 30], var.detection.interval_seconds)
    error_message = "detection.interval_seconds must be 10 or 30 (the intervals Route 53 offers)."
  }

  validation {
    condition     = var.detection.failure_threshold >= 1 && var.detection.failure_threshold <= 10 && floor(var.detection.failure_threshold) == var.detection.failure_threshold
    error_message = "detection.failure_threshold must be a whole number from 1 to 10."
  }

  validation {
    condition     = var.detection.alarm_evaluation_periods >= 1 && floor(var.detection.alarm_evaluation_periods) == var.detection.alarm_evaluation_periods
    error_message = "detection.alarm_evaluation_periods must be a whole number >= 1."
  }

  validation {
    condition     = var.detection.interval_seconds * var.detection.failure_threshold + var.detection.alarm_evaluation_periods * 60 > 120
    error_message = "The detection window (interval_seconds x failure_threshold + alarm_evaluation_periods x 60 s = ${var.detection.interval_seconds * var.detection.failure_threshold + var.detection.alarm_evaluation_periods * 60} s) must exceed 120 s, or an in-region Multi-AZ failover of the primary database triggers a cross-region failover. Raise the threshold or the alarm periods."
  }
}

variable "app_port" {
  description = "Port the reference app listens on."
  type        = number
  default     = 8080
}

variable "instance_type" {
  description = "EC2 instance type of the app instances (x86_64)."
  type        = string
  default     = "t3.small"
}

variable "target_health" {
  description = "ALB target group health check: healthy threshold and interval (part of the recovery-time model's capacity term)."
  type = object({
    healthy_threshold = optional(number, 2)
    interval_seconds  = optional(number, 10)
  })
  default = {}
}

variable "primary_capacity" {
  description = "The primary region's Auto Scaling group: min, max and desired instances. Held at 0 / 0 / 0 instead while a latch object stands in B (after a failover) and after the role switch (docs/terraform.md)."
  type = object({
    min     = number
    max     = number
    desired = number
  })
  default = { min = 2, max = 4, desired = 2 }

  validation {
    condition     = var.primary_capacity.min >= 0 && var.primary_capacity.min <= var.primary_capacity.desired && var.primary_capacity.desired <= var.primary_capacity.max && var.primary_capacity.desired >= 1
    error_message = "primary_capacity must satisfy 0 <= min <= desired <= max and desired >= 1."
  }
}

variable "failover_capacity" {
  description = "The size the failover function gives the backup region's group (which rests at min = max = desired = 0)."
  type = object({
    min     = number
    max     = number
    desired = number
  })
  default = { min = 2, max = 4, desired = 2 }

  validation {
    condition     = var.failover_capacity.min >= 0 && var.failover_capacity.min <= var.failover_capacity.desired && var.failover_capacity.desired <= var.failover_capacity.max && var.failover_capacity.desired >= 1
    error_message = "failover_capacity must satisfy 0 <= min <= desired <= max and desired >= 1: a failover to zero instances serves nothing."
  }
}

variable "warm_pool_size" {
  description = "Stopped, pre-initialised instances kept in the backup region's warm pool (0: none). Each costs its EBS volume while stopped; it shortens the capacity term of the recovery time."
  type        = number
  default     = 0

  validation {
    condition     = var.warm_pool_size >= 0 && floor(var.warm_pool_size) == var.warm_pool_size && var.warm_pool_size <= 100
    error_message = "warm_pool_size must be a whole number from 0 to 100."
  }
}

variable "db_instance_class" {
  description = "RDS instance class of the primary and of the replica."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_engine_version" {
  description = "PostgreSQL major version, 14 or later: RDS takes automated backups of a PostgreSQL read replica only from 14.1, and the replica needs them (it becomes the primary)."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[4-9]$", var.db_engine_version))
    error_message = "db_engine_version must be a PostgreSQL major version from 14 to 19, such as 16: RDS enables automated backups on a PostgreSQL read replica only from 14.1, and the standby replica needs them."
  }
}

variable "db_max_allocated_storage" {
  description = "Upper bound of storage autoscaling of both databases, GiB."
  type        = number
  default     = 100
}

variable "db_parameters" {
  description = "PostgreSQL parameters of both regions' parameter groups (TLS only and DDL / slow-query logging by default)."
  type        = map(string)
  default = {
    "rds.force_ssl"              = "1"
    "log_statement"              = "ddl"
    "log_min_duration_statement" = "1000"
  }
}

variable "db_performance_insights_enabled" {
  description = "Performance Insights on both databases, encrypted with each region's key."
  type        = bool
  default     = true
}

variable "secret_replica_customer_managed_key" {
  description = "Encrypt the credentials secret's replica in B with B's customer managed key (false: the AWS-managed aws/secretsmanager key of B)."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Automated backup retention, days (1 to 35)."
  type        = number
  default     = 7
}

variable "db_backup_window" {
  description = "Daily backup window of both databases (hh24:mi-hh24:mi, UTC, at least 30 minutes, clear of db_maintenance_window), which the replica keeps when the failover promotes it; null: AWS picks one at random. Set it to your quiet hours, away from the likely failover hours: AWS refuses to promote a replica while it is backing up."
  type        = string
  default     = "03:00-03:30"
}

variable "db_maintenance_window" {
  description = "Weekly maintenance window of both databases (ddd:hh24:mi-ddd:hh24:mi, UTC, at least 30 minutes); null: AWS picks one at random. RDS applies mandatory engine upgrades there even with automatic minor upgrades off, and a Multi-AZ instance may be down for minutes: set it to your quiet hours (docs/terraform.md, Database upgrades)."
  type        = string
  default     = "sun:04:00-sun:04:30"
}

variable "db_deletion_protection" {
  description = "Protect the databases from deletion."
  type        = bool
  default     = true
}

variable "replica_multi_az" {
  description = "Run the standby replica Multi-AZ before a failover (doubles its cost)."
  type        = bool
  default     = false
}

variable "replica_lag_seconds_max" {
  description = "Replica lag above this many seconds is a readiness failure and alarms (the RPO bound)."
  type        = number
  default     = 300

  validation {
    condition     = var.replica_lag_seconds_max >= 1
    error_message = "replica_lag_seconds_max must be at least 1 second."
  }
}

variable "db_password_version" {
  description = "Version of the generated database master password: raise it to set a new one (docs/terraform.md, The master password). It is never in the state or a plan file."
  type        = number
  default     = 1

  validation {
    condition     = var.db_password_version >= 1 && floor(var.db_password_version) == var.db_password_version
    error_message = "db_password_version must be a whole number >= 1; raise it to set a new master password."
  }
}

variable "db_app_password_version" {
  description = "Version of the generated password of the app's own database role: raise it, apply, then run `pilotlight app-role` (docs/app.md, The app's database role). It is never in the state or a plan file."
  type        = number
  default     = 1

  validation {
    condition     = var.db_app_password_version >= 1 && floor(var.db_app_password_version) == var.db_app_password_version
    error_message = "db_app_password_version must be a whole number >= 1; raise it to rotate the app role's password."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted credentials secret can be restored (0 deletes at once: local mode only)."
  type        = number
  default     = 7
}

variable "alb_deletion_protection" {
  description = "Protect the ALBs from deletion."
  type        = bool
  default     = true
}

variable "artifact_bucket_force_destroy" {
  description = "Allow destroy to empty the artifact buckets (local mode and tests)."
  type        = bool
  default     = false
}

variable "latch_bucket_force_destroy" {
  description = "Allow destroy to delete the latch bucket with a latch object in it (local mode and tests). On AWS leave it false: a standing latch means P is latched out."
  type        = bool
  default     = false
}

variable "operator_arns" {
  description = "The operators' IAM roles or users (they run pilotlight approve, which writes the latch, and failback, which deletes it). With the failover function's role they are the only principals the latch bucket lets write or delete the latch object; attach operator_policy_json to them."
  type        = list(string)

  validation {
    condition     = length(var.operator_arns) > 0 && alltrue([for a in var.operator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "operator_arns must be a non-empty list of IAM role or user ARNs (arn:<partition>:iam::<account>:role/<name> or user/<name>): without one, nobody could fail back."
  }
}

variable "latch_write_trail_enabled" {
  description = "Record every write and delete of the latch object with a CloudTrail trail of data events (terraform/modules/latch). Leave it on on AWS; local mode turns it off."
  type        = bool
  default     = true
}

variable "health_checker_cidrs" {
  description = "Address ranges of Route 53's health checkers, the only readers of the latch object (null: AWS's published ranges, ip-ranges.json service ROUTE53_HEALTHCHECKS, IPv4 and IPv6). Local mode sets 127.0.0.1/32: ip-ranges.amazonaws.com is not reachable offline."
  type        = list(string)
  default     = null

  validation {
    condition     = var.health_checker_cidrs == null || try(length(var.health_checker_cidrs) > 0 && alltrue([for c in var.health_checker_cidrs : can(cidrhost(c, 0))]), false)
    error_message = "health_checker_cidrs must be null or a non-empty list of CIDR blocks, such as 54.183.255.128/26."
  }
}

variable "health_signal_name_servers" {
  description = "Name servers the probe and the guard ask for the health-signal TXT pair (null: the hosted zone's own). Local mode sets 127.0.0.1:<port>, where the harness answers as Route 53's name servers."
  type        = list(string)
  default     = null

  validation {
    condition     = var.health_signal_name_servers == null || try(length(var.health_signal_name_servers) > 0 && alltrue([for s in var.health_signal_name_servers : can(regex("^([a-zA-Z0-9.-]+|127\\.0\\.0\\.1:[0-9]{1,5})$", s))]), false)
    error_message = "health_signal_name_servers must be null or a non-empty list of host names (or 127.0.0.1:<port> in local mode)."
  }
}

variable "app_bundle_path" {
  description = "Path of the reference app bundle built by scripts/build.mjs (dist/app/pilotlight-app.zip)."
  type        = string
}

variable "failover_package_path" {
  description = "Path of the failover function's bundle (dist/functions/failover.zip)."
  type        = string
}

variable "readiness_package_path" {
  description = "Path of the readiness function's bundle (dist/functions/readiness.zip)."
  type        = string
}

variable "probe_package_path" {
  description = "Path of the probe function's bundle (dist/functions/probe.zip)."
  type        = string
}

variable "readiness_schedule" {
  description = "How often the readiness check runs: an EventBridge rate expression from rate(1 minute) to rate(1 day). Its interval is also the readiness alarms' period (one datapoint a run)."
  type        = string
  default     = "rate(5 minutes)"
}

variable "ops_emails" {
  description = "E-mail addresses subscribed to the ops topic (failover timelines, readiness alarms)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of the functions' logs, days."
  type        = number
  default     = 365
}

variable "rto_target_seconds" {
  description = "The recovery-time objective: a configuration whose modeled worst case exceeds it is refused."
  type        = number
  default     = 900

  validation {
    condition     = var.rto_target_seconds >= 60 && floor(var.rto_target_seconds) == var.rto_target_seconds
    error_message = "rto_target_seconds must be a whole number of seconds, at least 60."
  }
}

variable "rto_assumptions" {
  description = "Durations of the recovery-time model that no setting fixes, as best / typical / worst seconds: metric delay of Route 53 (and the probe) to CloudWatch, the function's decision, the RDS promotion, an instance launch (cold or from the warm pool), the app's start, and resolver caching beyond the TTL. Each default names its source beside it; lower one only with a measurement (a drill) or an AWS document."
  type = object({
    # No AWS figure. Route 53 warns that "several minutes might elapse between the time that a health
    # check fails and the time that you receive the associated SNS notification" (Developer Guide,
    # "Monitoring health checks using CloudWatch"): a drill must measure it. Not on the worst path
    # of a region loss (the probe notifies directly); it starts the held in-region recovery's hold.
    metric_delay_seconds = optional(object({ best = number, typical = number, worst = number }), { best = 10, typical = 30, worst = 60 })
    # Measured: alarm to every failover action issued, p95 290 ms on the emulator (bench/functions.ts,
    # README "Measured figures"); the worst case keeps room for a cold start and SDK retries (unmeasured).
    decide_seconds = optional(object({ best = number, typical = number, worst = number }), { best = 2, typical = 5, worst = 30 })
    # No AWS figure for RDS for PostgreSQL (PromoteReadReplica gives none; Aurora's guide says "several
    # minutes or longer, depending on the size of the read replica"). Unmeasured: a drill on AWS measures it.
    promote_seconds = optional(object({ best = number, typical = number, worst = number }), { best = 60, typical = 180, worst = 420 })
    # No AWS figure for an instance launch to InService; unmeasured (a drill measures it).
    instance_launch_seconds = optional(object({ best = number, typical = number, worst = number }), { best = 45, typical = 90, worst = 180 })
    # No AWS figure for a warm-pool (stopped) instance to InService; unmeasured.
    warm_pool_launch_seconds = optional(object({ best = number, typical = number, worst = number }), { best = 15, typical = 30, worst = 60 })
    # Unmeasured on an instance: the reference app's start to its first /healthz 200.
    app_start_seconds = optional(object({ best = number, typical = number, worst = number }), { best = 5, typical = 15, worst = 45 })
    # No AWS figure: resolvers that keep an answer past its TTL; unmeasured (the drill's user-dns check measures it).
    resolver_cache_seconds = optional(object({ best = number, typical = number, worst = number }), { best = 0, typical = 30, worst = 120 })
  })
  default = {}

  validation {
    condition = alltrue(flatten([for r in values(var.rto_assumptions) : [
      r.best >= 0, r.best <= r.typical, r.typical <= r.worst,
      floor(r.best) == r.best, floor(r.typical) == r.typical, floor(r.worst) == r.worst,
    ]]))
    error_message = "Each rto_assumptions range must hold whole seconds with 0 <= best <= typical <= worst."
  }
}

variable "cloudwatch_enabled" {
  description = "Create the CloudWatch alarms and dashboard. Always true on AWS. examples/local sets false: the emulator does not serve the protocol this provider's CloudWatch client speaks, and the local harness creates the primary-health alarm with the SDK under the name the config document carries."
  type        = bool
  default     = true
}

variable "active_region" {
  description = "The role switch. primary: normal operation. backup: set by the operator after a failover (docs/terraform.md): keeps the promoted database as it is, makes it Multi-AZ, fences the old primary's group at zero."
  type        = string
  default     = "primary"

  validation {
    condition     = contains(["primary", "backup"], var.active_region)
    error_message = "active_region must be primary or backup."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "failover_hold_max_seconds" {
  description = "How long the failover guard holds while the primary region's own API reports an in-region recovery (a Multi-AZ failover, maintenance, an upgrade of the database), counted from the trigger alarm's StateTransitionedTimestamp. After it, the failover proceeds. The recovery-time model's hold term (scenario in-region-recovery-held): the plan refuses a hold the target cannot afford."
  type        = number
  # "Failover times are typically 60–120 seconds" (RDS User Guide, "Failing over a Multi-AZ DB
  # instance"); the alarm's detection window (over 120 s) comes before the hold, so P gets both.
  default = 120

  validation {
    condition     = var.failover_hold_max_seconds >= 0 && var.failover_hold_max_seconds <= 1800 && floor(var.failover_hold_max_seconds) == var.failover_hold_max_seconds
    error_message = "failover_hold_max_seconds must be a whole number of seconds from 0 (never hold) to 1800."
  }
}

variable "probe_alarm_evaluation_periods" {
  description = "Consecutive one-minute periods the probe in the backup region must see P's /health fail before its alarm notifies the failover function."
  type        = number
  default     = 2

  validation {
    condition     = var.probe_alarm_evaluation_periods >= 1 && var.probe_alarm_evaluation_periods <= 10 && floor(var.probe_alarm_evaluation_periods) == var.probe_alarm_evaluation_periods
    error_message = "probe_alarm_evaluation_periods must be a whole number from 1 to 10."
  }
}

variable "probe_cadence_seconds" {
  description = "Seconds between two checks of P's /health by the probe in B, inside each one-minute invocation (a divisor of the minute). Each invocation runs about a minute: docs/terraform.md gives the monthly cost."
  type        = number
  default     = 10

  validation {
    condition     = contains([10, 15, 20, 30, 60], var.probe_cadence_seconds)
    error_message = "probe_cadence_seconds must be 10, 15, 20, 30 or 60: a divisor of the probe's one-minute schedule, longer than a check's 6 s timeout."
  }
}

variable "probe_failure_count" {
  description = "Consecutive failed checks after which the probe notifies the failover function directly (through its topic in B), without waiting for its alarm; the alarm stays as the backstop. The guard still confirms on Route 53's verdict before acting."
  type        = number
  default     = 3

  validation {
    condition     = var.probe_failure_count >= 1 && var.probe_failure_count <= 10 && floor(var.probe_failure_count) == var.probe_failure_count
    error_message = "probe_failure_count must be a whole number from 1 to 10."
  }
}

variable "probe_target_url" {
  description = "What the probe GETs instead of P's ALB (null: https://<P's ALB><health check path>, http when P's ALB has no certificate). Only local mode sets it: its P runs on loopback."
  type        = string
  default     = null

  validation {
    condition     = var.probe_target_url == null || can(regex("^https?://[^/]+/", var.probe_target_url))
    error_message = "probe_target_url must be null or an http(s) URL with a path, such as http://127.0.0.1:8080/health."
  }
}
