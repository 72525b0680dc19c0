variable "name" {
  description = "Name prefix of every resource (the deployment name), 1 to 55 characters."
  type        = string

  # RDS: the instance identifier <name>-replica has at most 63 letters, digits and hyphens, begins
  # with a letter, and has no two consecutive hyphens; so has the parameter group's name prefix.
  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,53}[a-z0-9])?$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 1 to 55 lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit: RDS allows the instance identifier <name>-replica 63 characters and no two consecutive hyphens."
  }

  validation {
    condition     = !startswith("${var.name}-", "sg-")
    error_message = "name must not be sg or begin with sg-: AWS refuses security group names beginning with sg- (<name>-db)."
  }
}

variable "source_db_arn" {
  description = "ARN of the primary database in the other region (a cross-region replica is created from the ARN)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:db:.+$", var.source_db_arn))
    error_message = "source_db_arn must be an RDS instance ARN (arn:aws:rds:<region>:<account>:db:<id>): a cross-region replica needs the ARN, not the identifier."
  }
}

variable "vpc_id" {
  description = "ID of the backup region's VPC."
  type        = string
}

variable "subnet_ids" {
  description = "The backup region's DB subnets."
  type        = list(string)
}

variable "subnet_group_name" {
  description = "Name of the DB subnet group: the primary's subnet group name."
  type        = string
}

variable "app_security_group_id" {
  description = "Security group of the backup region's app instances, the only clients the replica admits."
  type        = string
}

variable "promoted" {
  description = "Role switch after a failover: true once this replica has been promoted. Makes it Multi-AZ and applies that at once (not in the maintenance window), keeps a final snapshot on deletion; never touches its replication source (docs/terraform.md)."
  type        = bool
  default     = false
}

variable "multi_az" {
  description = "Run the standby replica Multi-AZ before any failover (doubles its cost)."
  type        = bool
  default     = false
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
  description = "Instance class of the replica (it becomes the primary: keep it equal to the primary's)."
  type        = string
  default     = "db.t4g.medium"
}

variable "max_allocated_storage" {
  description = "Upper bound of the replica's storage autoscaling, GiB (the primary's: the replica must grow with it)."
  type        = number
  default     = 100
}

variable "port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "backup_retention_days" {
  description = "Automated backup retention of the replica (so that a promoted replica has backups at once), days."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1 to 35: a read replica needs automated backups on its source."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi in UTC (null: RDS picks one). The root passes the primary's, which the database module checks against backup_window."
  type        = string
  default     = null

  validation {
    condition     = var.maintenance_window == null || can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must be null or ddd:hh24:mi-ddd:hh24:mi in UTC, such as sun:03:00-sun:03:30."
  }
}

variable "backup_window" {
  description = "Daily automated backup window, hh24:mi-hh24:mi in UTC (null: RDS picks one). The root passes the primary's; a replica that is backing up cannot be promoted."
  type        = string
  default     = null

  validation {
    condition     = var.backup_window == null || can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must be null or hh24:mi-hh24:mi in UTC, such as 02:00-02:30."
  }
}

variable "deletion_protection" {
  description = "Protect the replica from deletion."
  type        = bool
  default     = true
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

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
