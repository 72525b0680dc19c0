output "db_instance_id" {
  description = "Identifier of the cross-region read replica (the new primary after a failover)."
  value       = aws_db_instance.replica.identifier
}

output "db_instance_arn" {
  description = "ARN of the cross-region read replica."
  value       = aws_db_instance.replica.arn
}

output "db_instance_address" {
  description = "Host name of the replica (the backup region's instances connect to it once promoted)."
  value       = aws_db_instance.replica.address
}

output "source_db_arn" {
  description = "The replica's replication source as created (the primary's ARN; AWS reports none after a promotion)."
  value       = aws_db_instance.replica.replicate_source_db
}

output "kms_key_arn" {
  description = "ARN of the backup region's database key (the replica's, and the credentials secret replica's)."
  value       = aws_kms_key.this.arn
}

output "db_kms_key_arn" {
  description = "The key the replica is encrypted with, as the instance reports it."
  value       = aws_db_instance.replica.kms_key_id
}

output "account_id" {
  description = "The AWS account, as the backup region's STS reports it (the primary database's key policy takes it from here, so that no plan calls the primary region's STS)."
  value       = data.aws_caller_identity.current.account_id
}
