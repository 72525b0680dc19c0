output "deployment_config" {
  description = "The deployment-config document (JSON) written to SSM Parameter Store in the backup region."
  value       = module.config.document_json
}

output "config_parameter_name" {
  description = "Name of the SSM parameter holding the deployment-config document (/pilotlight/<deployment>/config, backup region)."
  value       = module.config.parameter_name
}

output "rto_model" {
  description = "The recovery-time model: terms (detect, decide, promote, capacity, dns, total) of the best, typical and worst case and of the floor, the detection window, the target, and whether the worst case is within it. Same shape as rtoModel() of src/core/rto.ts."
  value       = local.rto_model
}

output "record_fqdn" {
  description = "The application's DNS name (failover alias records)."
  value       = module.dns.record_fqdn
}

output "primary_alb_dns_name" {
  description = "DNS name of the primary region's ALB."
  value       = module.app_primary.alb_dns_name
}

output "backup_alb_dns_name" {
  description = "DNS name of the backup region's ALB."
  value       = module.app_backup.alb_dns_name
}

output "health_check_id" {
  description = "ID of the Route 53 health check of the primary ALB."
  value       = module.dns.health_check_id
}

output "alarm_name" {
  description = "Name of the primary-health alarm in us-east-1."
  value       = module.dns.alarm_name
}

output "alarm_topic_arn" {
  description = "ARN of the alarm's SNS topic in us-east-1."
  value       = module.dns.alarm_topic_arn
}

output "failover_function_name" {
  description = "Name of the failover function (backup region)."
  value       = module.failover.function_name
}

output "readiness_function_name" {
  description = "Name of the readiness function (backup region)."
  value       = module.readiness.function_name
}

output "lock_table_name" {
  description = "Name of the failover lock table (backup region)."
  value       = module.failover.lock_table_name
}

output "ops_topic_arn" {
  description = "ARN of the ops SNS topic (backup region)."
  value       = module.failover.ops_topic_arn
}

output "primary_db_instance_id" {
  description = "Identifier of the primary database."
  value       = module.database.db_instance_id
}

output "replica_db_instance_id" {
  description = "Identifier of the cross-region replica (the new primary after a failover)."
  value       = module.database_replica.db_instance_id
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard in the backup region (null when cloudwatch_enabled is false)."
  value       = module.observability.dashboard_name
}

output "operator_policy_json" {
  description = "Least-privilege IAM policy (JSON) for an operator running the CLI against this deployment: status, readiness, rto, drill, failback, approve. Attach it to the operators' role or group."
  value       = jsonencode(local.operator_policy)
}

# The fence held without the role switch is not silent: the plan shows why P's group stays at zero,
# naming the switch. An output, not a check block: on a first plan the latch listing is known only
# after apply, and a check that cannot be evaluated fails `terraform test`.
output "primary_fenced_by_latch" {
  description = "Set while a latch stands in B and the role switch is not made: why P's group stays at 0/0/0 whatever primary_capacity says, and what to do."
  value       = local.latched && !local.failed_over ? "A latch stands in s3://${module.latch.bucket} (${join(", ", module.latch.standing_keys)}): a failover happened, so P's group stays at 0/0/0 (not primary_capacity) until failback removes the latch. Make the role switch (active_region = \"backup\", docs/terraform.md) to make the promoted database Multi-AZ." : null
}
