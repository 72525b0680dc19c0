output "function_name" {
  description = "Name of the failover function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the failover function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the failover function's role."
  value       = aws_iam_role.this.arn
}

output "lock_table_name" {
  description = "Name of the DynamoDB lock table (hash key deployment)."
  value       = aws_dynamodb_table.lock.name
}

output "lock_table_arn" {
  description = "ARN of the lock table."
  value       = aws_dynamodb_table.lock.arn
}

output "ops_topic_arn" {
  description = "ARN of the ops SNS topic (failover timelines, readiness alarms)."
  value       = aws_sns_topic.ops.arn
}

output "failure_queue_arn" {
  description = "ARN of the SQS queue that receives failovers that failed after their retries."
  value       = aws_sqs_queue.failures.arn
}

output "failure_queue_name" {
  description = "Name of the failure queue."
  value       = aws_sqs_queue.failures.name
}

output "ops_kms_key_arn" {
  description = "ARN of the key that encrypts the lock table, ops topic, failure queue and function logs."
  value       = aws_kms_key.ops.arn
}
