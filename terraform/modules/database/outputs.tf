output "primary_db_instance_id" {
  description = "Identifier of the primary database instance."
  value       = aws_db_instance.primary.identifier
}

output "primary_db_instance_arn" {
  description = "ARN of the primary database instance."
  value       = aws_db_instance.primary.arn
}

output "primary_db_instance_address" {
  description = "Host name of the primary database."
  value       = aws_db_instance.primary.address
}

output "replica_db_instance_id" {
  description = "Identifier of the cross-region read replica (the new primary after a failover)."
  value       = aws_db_instance.replica.identifier
}

output "replica_db_instance_arn" {
  description = "ARN of the cross-region read replica."
  value       = aws_db_instance.replica.arn
}

output "replica_db_instance_address" {
  description = "Host name of the replica (the backup region's instances connect to it once promoted)."
  value       = aws_db_instance.replica.address
}

output "db_port" {
  description = "PostgreSQL port."
  value       = var.port
}

output "db_name" {
  description = "Name of the application database."
  value       = var.db_name
}

output "primary_kms_key_arn" {
  description = "ARN of the primary region's database key."
  value       = aws_kms_key.primary.arn
}

output "backup_kms_key_arn" {
  description = "ARN of the backup region's database key (the replica's and the secret replica's)."
  value       = aws_kms_key.backup.arn
}

output "primary_secret_arn" {
  description = "ARN of the credentials secret in the primary region."
  value       = aws_secretsmanager_secret.db.arn
}

output "backup_secret_arn" {
  description = "ARN of the credentials secret's replica in the backup region (same name and suffix, the backup's region)."
  value       = replace(aws_secretsmanager_secret.db.arn, ":${split(":", aws_secretsmanager_secret.db.arn)[3]}:", ":${data.aws_region.backup.region}:")
}

output "replica_source_db_arn" {
  description = "The replica's replication source as created (the primary's ARN; AWS reports none after a promotion)."
  value       = aws_db_instance.replica.replicate_source_db
}

output "replica_kms_key_arn" {
  description = "The key the replica is encrypted with (the backup region's)."
  value       = aws_db_instance.replica.kms_key_id
}

output "secret_replica_regions" {
  description = "Regions the credentials secret is replicated to, with their keys."
  value       = { for r in aws_secretsmanager_secret.db.replica : r.region => r.kms_key_id }
}
