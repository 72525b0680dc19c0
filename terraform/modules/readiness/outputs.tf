output "function_name" {
  description = "Name of the readiness function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the readiness function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the readiness function's role."
  value       = aws_iam_role.this.arn
}

output "schedule_rule_name" {
  description = "Name of the EventBridge rule that schedules the check."
  value       = aws_cloudwatch_event_rule.schedule.name
}

output "schedule_expression" {
  description = "The schedule the check runs on."
  value       = aws_cloudwatch_event_rule.schedule.schedule_expression
}
