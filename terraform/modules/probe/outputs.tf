output "function_name" {
  description = "Name of the probe function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the probe function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the probe function's role."
  value       = aws_iam_role.this.arn
}

output "alarm_name" {
  description = "Name of the probe alarm (created by the local harness when alarm_enabled is false)."
  value       = local.alarm_name
}

output "alarm_arn" {
  description = "ARN of the probe alarm."
  value       = local.alarm_arn
}

output "alarm_topic_arn" {
  description = "ARN of the topic the probe alarm notifies; the failover function is subscribed."
  value       = aws_sns_topic.alarm.arn
}

output "alarm_topic_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the probe alarm topic."
  value       = aws_kms_key.alarm_topic.arn
}

output "schedule_rule_arn" {
  description = "ARN of the EventBridge rule that runs the probe every minute."
  value       = aws_cloudwatch_event_rule.probe.arn
}

output "reevaluation_rule_arn" {
  description = "ARN of the EventBridge rule that re-runs the failover decision every minute."
  value       = aws_cloudwatch_event_rule.reevaluate.arn
}

output "region" {
  description = "Region of the probe, its alarm and topic (the backup region)."
  value       = local.region
}
