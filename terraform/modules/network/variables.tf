variable "name" {
  description = "Name prefix of every resource (the deployment name plus the region role, such as shop-primary)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,240}$", var.name)) && !startswith("${var.name}-", "sg-")
    error_message = "name must be 1 to 241 lowercase letters, digits and hyphens, starting with a letter, and not sg or begin with sg-: AWS allows the security group <name>-vpc-endpoints 255 characters and refuses security group names beginning with sg-."
  }
}

variable "cidr_block" {
  description = "CIDR block of the VPC; split into /20-style tiers (public, app, db) per availability zone."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && tonumber(split("/", var.cidr_block)[1]) <= 20
    error_message = "cidr_block must be a valid IPv4 CIDR of size /20 or larger, such as 10.10.0.0/16."
  }
}

variable "availability_zone_count" {
  description = "How many availability zones to spread the subnets over (2 to 4)."
  type        = number
  default     = 2

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 4
    error_message = "availability_zone_count must be between 2 and 4: Multi-AZ RDS and the ALB need at least 2."
  }
}

variable "nat_gateway_enabled" {
  description = "Create one NAT gateway for outbound internet access from private subnets (730 h x 0.045 USD = 32.85 USD/month at the us-east-1 list price, plus 0.045 USD per GB). Off by default: the VPC endpoints reach every AWS service the instances call (reachability.json)."
  type        = bool
  default     = false
}

variable "vpc_endpoints_enabled" {
  description = "Create the endpoints of every AWS service the instances call, as reachability.json lists them: interface endpoints for SSM, SSM messages, Secrets Manager and Auto Scaling, a gateway endpoint for S3 (730 h x 0.01 USD = 7.30 USD/month per interface endpoint and AZ at the us-east-1 list price, plus 0.01 USD per GB; the S3 gateway endpoint is free). At least one of this and nat_gateway_enabled must be true."
  type        = bool
  default     = true

  validation {
    condition     = var.vpc_endpoints_enabled || var.nat_gateway_enabled
    error_message = "vpc_endpoints_enabled and nat_gateway_enabled are both false: the instances in the private subnets would reach no AWS service (the app bundle in S3, the launch hook in Auto Scaling, the secret), and every launch would be abandoned. Enable the endpoints (default), the NAT gateway, or both."
  }
}

variable "skip_region_reads" {
  description = "Plan without reading this region's data sources (the role switch, which must plan while the primary region is unreachable): the availability zones come from state. Apply once with false first, so the state holds them."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
