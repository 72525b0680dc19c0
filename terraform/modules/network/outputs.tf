output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (the ALB), one per availability zone."
  value       = [for k, s in local.subnets : aws_subnet.this[k].id if s.tier == "public"]
}

output "app_subnet_ids" {
  description = "IDs of the private app subnets (the instances), one per availability zone."
  value       = [for k, s in local.subnets : aws_subnet.this[k].id if s.tier == "app"]
}

output "db_subnet_ids" {
  description = "IDs of the private database subnets, one per availability zone."
  value       = [for k, s in local.subnets : aws_subnet.this[k].id if s.tier == "db"]
}

output "availability_zones" {
  description = "The availability zones the subnets span."
  value       = local.azs
}

output "region" {
  description = "The region this module's provider manages."
  value       = data.aws_region.current.region
}
