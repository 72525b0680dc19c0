variable "name" {
  description = "Name prefix of every resource (the deployment name), 1 to 55 characters."
  type        = string

  # RDS: the instance identifier <name>-primary has at most 63 letters, digits and hyphens, begins
  # with a letter, and has no two consecutive hyphens; so has the parameter group's name prefix.
  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,53}[a-z0-9])?$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 1 to 55 lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit: RDS allows the instance identifier <name>-primary 63 characters and no two consecutive hyphens."
  }

  validation {
    condition     = !startswith("${var.name}-", "sg-")
    error_message = "name must not be sg or begin with sg-: AWS refuses security group names beginning with sg- (<name>-db)."
  }
}

variable "vpc_id" {
  description = "ID of the primary region's VPC."
  type        = string
}

variable "subnet_ids" {
  description = "The primary region's DB subnets (2 or more availability zones)."
  type        = list(string)
}

variable "app_security_group_id" {
  description = "Security group of the app instances, the only clients the database admits."
  type        = string
}

variable "secret_replica" {
  description = "Where the credentials secret is replicated: the backup region and its KMS key (database-replica's key; null: the AWS-managed aws/secretsmanager key of that region)."
  type = object({
    region      = string
    kms_key_arn = optional(string)
  })
}
variable "engine_version" {
  description = "PostgreSQL major version, 14 or later (the parameter group family follows it): RDS takes automated backups of a PostgreSQL read replica only from 14.1."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[4-9]$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL major version from 14 to 19, such as 16: RDS enables automated backups on a PostgreSQL read replica only from 14.1, and the standby replica needs them."
  }
}

variable "instance_class" {
  description = "Instance class of the primary and of the replica (the replica becomes the primary: keep them equal)."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage" {
  description = "Initial storage, GiB (storage autoscaling grows it up to max_allocated_storage)."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Upper bound of storage autoscaling, GiB."
  type        = number
  default     = 100
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "pilotlight"
}

variable "username" {
  description = "Master user name."
  type        = string
  default     = "pilotlight"
}

variable "app_username" {
  description = "The app's own database role (created by `pilotlight app-role`); the app never connects as the master user."
  type        = string
  default     = "pilotlight_app"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.app_username)) && !startswith(var.app_username, "pg_") && !startswith(var.app_username, "rds")
    error_message = "app_username must be 1 to 63 lowercase letters, digits and underscores, starting with a letter or underscore, and not begin with pg_ or rds (PostgreSQL and RDS reserve them)."
  }
}

variable "port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "backup_retention_days" {
  description = "Automated backup retention of the primary and of the replica (so that a promoted replica has backups at once), days."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1 to 35: a read replica needs automated backups on its source."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window of the database, ddd:hh24:mi-ddd:hh24:mi in UTC, at least 30 minutes (null: RDS picks one at random). RDS applies the changes that wait for the window there, and mandatory upgrades whatever auto_minor_version_upgrade says."
  type        = string
  default     = null

  validation {
    condition = var.maintenance_window == null || try(alltrue([
      for m in [regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])$", var.maintenance_window)] :
      ({ mon = 0, tue = 1, wed = 2, thu = 3, fri = 4, sat = 5, sun = 6 }[m[3]] * 1440 + m[4] * 60 + m[5] - { mon = 0, tue = 1, wed = 2, thu = 3, fri = 4, sat = 5, sun = 6 }[m[0]] * 1440 - m[1] * 60 - m[2] + 10080) % 10080 >= 30
    ]), false)
    error_message = "maintenance_window must be null or ddd:hh24:mi-ddd:hh24:mi in UTC of at least 30 minutes, such as sun:03:00-sun:03:30 (CreateDBInstance, PreferredMaintenanceWindow)."
  }
}

variable "backup_window" {
  description = "Daily automated backup window, hh24:mi-hh24:mi in UTC, at least 30 minutes and clear of maintenance_window (null: RDS picks one). A replica cannot be promoted while it is backing up: keep it clear of the likely failover hours."
  type        = string
  default     = null

  validation {
    condition = var.backup_window == null || try(alltrue([
      for b in [regex("^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$", var.backup_window)] : (b[2] * 60 + b[3] - b[0] * 60 - b[1] + 1440) % 1440 >= 30
    ]), false)
    error_message = "backup_window must be null or hh24:mi-hh24:mi in UTC of at least 30 minutes, such as 02:00-02:30 (CreateDBInstance, PreferredBackupWindow)."
  }

  # CreateDBInstance: the backup window "must not conflict with the preferred maintenance window".
  # In minutes from Monday 00:00: the maintenance window's start and length, and each day's backup
  # window, over the days either side of the week's end.
  validation {
    condition = var.backup_window == null || var.maintenance_window == null || try(alltrue([
      for m in [regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])$", var.maintenance_window)] : alltrue([
        for b in [regex("^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$", var.backup_window)] : alltrue([
          for w in [{
            start  = { mon = 0, tue = 1, wed = 2, thu = 3, fri = 4, sat = 5, sun = 6 }[m[0]] * 1440 + m[1] * 60 + m[2]
            length = ({ mon = 0, tue = 1, wed = 2, thu = 3, fri = 4, sat = 5, sun = 6 }[m[3]] * 1440 + m[4] * 60 + m[5] - { mon = 0, tue = 1, wed = 2, thu = 3, fri = 4, sat = 5, sun = 6 }[m[0]] * 1440 - m[1] * 60 - m[2] + 10080) % 10080
            daily  = b[0] * 60 + b[1]
            backup = (b[2] * 60 + b[3] - b[0] * 60 - b[1] + 1440) % 1440
          }] : alltrue([for d in range(-1, 15) : !(d * 1440 + w.daily < w.start + w.length && w.start < d * 1440 + w.daily + w.backup)])
        ])
      ])
    ]), true)
    error_message = "backup_window (${coalesce(var.backup_window, "null")}) overlaps maintenance_window (${coalesce(var.maintenance_window, "null")}) on some day: RDS refuses a backup window that conflicts with the maintenance window."
  }
}

variable "deletion_protection" {
  description = "Protect both database instances from deletion."
  type        = bool
  default     = true
}

variable "password_version" {
  description = "Version of the generated master password: raise it to set a new password in the database and its secret in one apply (both take it only through write-only arguments)."
  type        = number
  default     = 1

  validation {
    condition     = var.password_version >= 1 && floor(var.password_version) == var.password_version
    error_message = "password_version must be a whole number >= 1; raise it to set a new master password."
  }
}

variable "app_password_version" {
  description = "Version of the app role's generated password: raise it, apply, then run `pilotlight app-role`, which sets the new password on the role (the app reads the secret again when the old one is refused)."
  type        = number
  default     = 1

  validation {
    condition     = var.app_password_version >= 1 && floor(var.app_password_version) == var.app_password_version
    error_message = "app_password_version must be a whole number >= 1; raise it to rotate the app role's password."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted credentials secret can be restored (0: delete at once; local mode only)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or 7 to 30."
  }
}

variable "parameters" {
  description = "PostgreSQL parameters of the parameter group (TLS only and query logging by default; the replica needs the same)."
  type        = map(string)
  default = {
    "rds.force_ssl"              = "1"
    "log_statement"              = "ddl"
    "log_min_duration_statement" = "1000"
  }
}

variable "performance_insights_enabled" {
  description = "Enable Performance Insights, encrypted with this module's key."
  type        = bool
  default     = true
}

variable "account_id" {
  description = "The AWS account that administers the KMS key (null: this region's caller identity). The root passes it from the backup region, so that no plan calls the primary region's STS."
  type        = string
  default     = null

  validation {
    condition     = var.account_id == null || can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID, or null."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
