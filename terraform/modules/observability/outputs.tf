output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null when disabled)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}

output "alarm_names" {
  description = "Names of the alarms, by purpose (created only when enabled)."
  value       = { for k in keys(local.alarms) : k => "${var.name}-${k}" }
}
