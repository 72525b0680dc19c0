output "bucket" {
  description = "Name of the latch bucket in the backup region."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the latch bucket (s3:ListBucket: a missing latch then reads 404 NoSuchKey, not 403)."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "The bucket's regional endpoint, which the latch check asks over HTTPS."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "key" {
  description = "Key of the latch object."
  value       = var.key
}

output "object_arn" {
  description = "ARN of the latch object (the failover writes it, failback deletes it, IAM scopes to it)."
  value       = local.object_arn
}

output "standing_keys" {
  description = "Latch objects in the bucket now (under key_prefix)."
  value       = data.aws_s3_objects.latch.keys
}

output "write_trail_arn" {
  description = "ARN of the CloudTrail trail that records every write and delete of the latch object (null when write_trail_enabled is false)."
  value       = var.write_trail_enabled ? aws_cloudtrail.latch_writes[0].arn : null
}
