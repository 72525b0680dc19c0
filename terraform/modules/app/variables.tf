variable "name" {
  description = "Name prefix of every resource (the deployment name plus the region role, such as shop-primary), 3 to 26 characters."
  type        = string

  # The longest name: the bucket prefix <name>-artifacts-, at most 37 characters (the provider
  # appends 26 to reach S3's 63). Within that, <name>-alb and <name>-app fit the ALB's and the
  # target group's 32, and the IAM name prefix <name>-app- the 38 of a role name prefix.
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,24}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 26 lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit: the artifact bucket prefix <name>-artifacts- may have at most 37 characters."
  }

  # Every name here begins with "<name>-".
  validation {
    condition     = !can(regex("^(internal-|sg-|sthree-|amzn-s3-demo-|xn--)", "${var.name}-"))
    error_message = "name must not make names that begin with internal-, sg-, sthree-, amzn-s3-demo- or xn--: AWS refuses load balancer names beginning with internal-, security group names beginning with sg-, and bucket names beginning with sthree-, amzn-s3-demo- or xn--."
  }
}

variable "region_role" {
  description = "The region's role in the deployment: primary or backup. Passed to the instances' user data."
  type        = string

  validation {
    condition     = contains(["primary", "backup"], var.region_role)
    error_message = "region_role must be primary or backup."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets for the ALB (2 or more availability zones)."
  type        = list(string)
}

variable "app_subnet_ids" {
  description = "Private subnets for the instances."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener (in this region). When null, the ALB serves plain HTTP (local mode and first trials only)."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>) or null."
  }
}

variable "alb_ingress_cidrs" {
  description = "CIDR blocks allowed to reach the ALB listeners."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "alb_deletion_protection" {
  description = "Protect the ALB from deletion."
  type        = bool
  default     = true
}

variable "app_port" {
  description = "Port the app listens on (the target group's port)."
  type        = number
  default     = 8080

  validation {
    condition     = var.app_port >= 1024 && var.app_port <= 65535 && floor(var.app_port) == var.app_port
    error_message = "app_port must be an unprivileged port, 1024 to 65535."
  }
}

variable "health_check_path" {
  description = "Path of the target group's health check, which the Auto Scaling group's ELB health check follows: shallow, 200 while the app process is up. The deep /health (database writable) is Route 53's, on P only: on a target group it would have Auto Scaling replace every instance during routine database maintenance or a promotion."
  type        = string
  default     = "/healthz"
}

variable "target_health" {
  description = "Target group health check: healthy threshold (2 to 10 checks) and interval (5 to 300 s). Part of the recovery-time model's capacity term."
  type = object({
    healthy_threshold = optional(number, 2)
    interval_seconds  = optional(number, 10)
  })
  default = {}

  validation {
    condition = (var.target_health.healthy_threshold >= 2 && var.target_health.healthy_threshold <= 10 &&
    var.target_health.interval_seconds >= 5 && var.target_health.interval_seconds <= 300)
    error_message = "target_health.healthy_threshold must be 2 to 10 and target_health.interval_seconds 5 to 300."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the app instances (x86_64, to match ami_parameter)."
  type        = string
  default     = "t3.small"
}

variable "ami_parameter" {
  description = "Public SSM parameter the launch template resolves the AMI from (Amazon Linux 2023)."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

variable "root_volume_size" {
  description = "Size of the encrypted root volume, GiB."
  type        = number
  default     = 20
}

variable "capacity" {
  description = "Size of the Auto Scaling group. In the backup region this is min = max = desired = 0 (the failover function scales it)."
  type = object({
    min     = number
    max     = number
    desired = number
  })

  validation {
    condition     = var.capacity.min >= 0 && var.capacity.min <= var.capacity.desired && var.capacity.desired <= var.capacity.max
    error_message = "capacity must satisfy 0 <= min <= desired <= max."
  }
}

variable "capacity_managed_externally" {
  description = "When true, Terraform sets the capacity only at creation and then leaves min, max and desired to the failover function and the CLI (the backup region's group)."
  type        = bool
  default     = false
}

variable "warm_pool_size" {
  description = "Number of stopped, pre-initialised instances kept in a warm pool (0: no warm pool). Shortens the capacity term of the recovery time."
  type        = number
  default     = 0

  validation {
    condition     = var.warm_pool_size >= 0 && floor(var.warm_pool_size) == var.warm_pool_size
    error_message = "warm_pool_size must be a whole number >= 0."
  }
}

variable "app_bundle_path" {
  description = "Local path of the reference app bundle (dist/app/pilotlight-app.zip), uploaded to this region's artifact bucket."
  type        = string
}

variable "artifact_key" {
  description = "Object key of the app bundle in the artifact bucket."
  type        = string
  default     = "app/pilotlight-app.zip"
}

variable "artifact_bucket_force_destroy" {
  description = "Allow destroying the artifact bucket while it holds objects (local mode and tests)."
  type        = bool
  default     = false
}

variable "db" {
  description = "Where the app finds its database: host, port, name, and the Secrets Manager secret (in this region) holding the app's own role's credentials (never the master user's: the instances must not be able to lift the failback's write fence), with the KMS key that encrypts it."
  type = object({
    host        = string
    port        = number
    name        = string
    secret_arn  = string
    kms_key_arn = string
  })
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
