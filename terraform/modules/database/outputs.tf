output "db_instance_id" {
  description = "Identifier of the primary database instance."
  value       = aws_db_instance.this.identifier
}

output "db_instance_arn" {
  description = "ARN of the primary database instance (the replica's source)."
  value       = aws_db_instance.this.arn
}

output "db_instance_address" {
  description = "Host name of the primary database."
  value       = aws_db_instance.this.address
}

output "db_port" {
  description = "PostgreSQL port."
  value       = var.port
}

output "db_name" {
  description = "Name of the application database."
  value       = var.db_name
}

output "kms_key_arn" {
  description = "ARN of the primary region's database key."
  value       = aws_kms_key.this.arn
}

output "secret_arn" {
  description = "ARN of the credentials secret in the primary region."
  value       = aws_secretsmanager_secret.db.arn
}

output "secret_replica_arn" {
  description = "ARN of the secret's replica in the backup region (same name and suffix, the backup's region)."
  value       = replace(aws_secretsmanager_secret.db.arn, ":${split(":", aws_secretsmanager_secret.db.arn)[3]}:", ":${var.secret_replica.region}:")
}

output "app_secret_arn" {
  description = "ARN of the app role's secret in the primary region (what P's instances read)."
  value       = aws_secretsmanager_secret.app.arn
}

output "app_secret_replica_arn" {
  description = "ARN of the app role's secret's replica in the backup region (what B's instances read)."
  value       = replace(aws_secretsmanager_secret.app.arn, ":${split(":", aws_secretsmanager_secret.app.arn)[3]}:", ":${var.secret_replica.region}:")
}

output "secret_replica_regions" {
  description = "Regions the credentials secret is replicated to, with their keys."
  value       = { for r in aws_secretsmanager_secret.db.replica : r.region => r.kms_key_id }
}

output "engine_version" {
  description = "PostgreSQL major version asked for (engine_version)."
  value       = var.engine_version
}

# RDS upgrades the read replicas with their primary: the replica's parameter group family follows
# the major version the primary runs, so that it moves to a new family only once the replica runs
# it. A version without a minor part (as the emulator and mock providers may report) reads as the
# one asked for.
output "engine_version_running" {
  description = "PostgreSQL major version the primary runs (engine_version_actual): the replica's parameter group family follows it."
  value       = try(regex("^([0-9]+)\\.", aws_db_instance.this.engine_version_actual)[0], var.engine_version)
}

output "max_allocated_storage" {
  description = "Upper bound of storage autoscaling, GiB (the replica follows it)."
  value       = var.max_allocated_storage
}

output "subnet_group_name" {
  description = "Name of the DB subnet group; the replica's group in the backup region has the same name."
  value       = aws_db_subnet_group.this.name
}
