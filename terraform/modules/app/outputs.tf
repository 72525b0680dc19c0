output "alb_arn" {
  description = "ARN of the ALB."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the ALB (target of the failover alias record)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Canonical hosted zone ID of the ALB (for alias records)."
  value       = aws_lb.this.zone_id
}

output "alb_https" {
  description = "Whether the ALB serves HTTPS (a certificate was given)."
  value       = local.https
}

output "target_group_arn" {
  description = "ARN of the app target group."
  value       = aws_lb_target_group.this.arn
}

output "health_check_path" {
  description = "The shallow path the target group checks (/healthz by default)."
  value       = var.health_check_path
}

output "target_health" {
  description = "The target group's healthy threshold and interval (inputs of the recovery-time model)."
  value       = var.target_health
}

output "autoscaling_group_name" {
  description = "Name of the Auto Scaling group."
  value       = local.asg.name
}

output "autoscaling_group_arn" {
  description = "ARN of the Auto Scaling group."
  value       = local.asg.arn
}

output "autoscaling_group_capacity" {
  description = "min, max and desired as configured (for the backup region: at creation)."
  value       = { min = local.asg.min_size, max = local.asg.max_size, desired = local.asg.desired_capacity }
}

output "launch_template_id" {
  description = "ID of the launch template."
  value       = aws_launch_template.this.id
}

output "ami_parameter" {
  description = "The SSM parameter the AMI is resolved from."
  value       = var.ami_parameter
}

output "security_group_id" {
  description = "Security group of the app instances (the database admits it)."
  value       = aws_security_group.app.id
}

output "alb_security_group_id" {
  description = "Security group of the ALB."
  value       = aws_security_group.alb.id
}

output "instance_role_arn" {
  description = "ARN of the instances' IAM role."
  value       = aws_iam_role.instance.arn
}

output "artifact_bucket" {
  description = "Name of this region's artifact bucket."
  value       = aws_s3_bucket.artifacts.id
}

output "artifact_key" {
  description = "Object key of the app bundle."
  value       = aws_s3_object.app_bundle.key
}

output "db_secret_arn" {
  description = "The secret the instances read their database login from (the app role's, never the master user's)."
  value       = var.db.secret_arn
}
