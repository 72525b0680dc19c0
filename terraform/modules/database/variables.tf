variable "name" {
  description = "Name prefix of every resource (the deployment name)."
  type        = string
}

variable "primary" {
  description = "The primary region's network: VPC, DB subnets, and the app security group the database admits."
  type = object({
    vpc_id                = string
    subnet_ids            = list(string)
    app_security_group_id = string
  })
}

variable "backup" {
  description = "The backup region's network: VPC, DB subnets, and the app security group the replica admits."
  type = object({
    vpc_id                = string
    subnet_ids            = list(string)
    app_security_group_id = string
  })
}

variable "promoted" {
  description = "Role switch after a failover: true once the backup's replica has been promoted. Makes the promoted database Multi-AZ and keeps a final snapshot on deletion; never touches its replication source (see docs/terraform.md)."
  type        = bool
  default     = false
}

variable "engine_version" {
  description = "PostgreSQL major version (the parameter group family follows it)."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[3-9]$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL major version from 13 to 19, such as 16."
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

variable "deletion_protection" {
  description = "Protect both database instances from deletion."
  type        = bool
  default     = true
}

variable "replica_multi_az" {
  description = "Run the standby replica Multi-AZ before any failover (doubles its cost; after the role switch the promoted database is Multi-AZ anyway)."
  type        = bool
  default     = false
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

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
