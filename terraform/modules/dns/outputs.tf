output "health_check_id" {
  description = "ID of P's endpoint check (the deep /health of P's ALB): the us-east-1 alarm's metric, the guard's Route 53 signal."
  value       = aws_route53_health_check.primary.id
}

output "health_check_resource_path" {
  description = "Path Route 53 checks on P's ALB: the app's deep /health (the target groups use the shallow /healthz)."
  value       = aws_route53_health_check.primary.resource_path
}

output "health_check_search_string" {
  description = "The string P's deep /health must contain for the endpoint check (and the probe in B) to pass."
  value       = aws_route53_health_check.primary.search_string
}

output "health_check_arn" {
  description = "ARN of the health check (IAM policies scope to it)."
  value       = aws_route53_health_check.primary.arn
}

output "record_fqdn" {
  description = "The application's DNS name."
  value       = aws_route53_record.primary.fqdn
}

output "alarm_name" {
  description = "Name of the CloudWatch alarm on the health check (also when alarm_enabled is false: local mode creates it under this name)."
  value       = local.alarm_name
}

output "alarm_arn" {
  description = "ARN of the CloudWatch alarm (computed, so it is known when the alarm is created elsewhere)."
  value       = local.alarm_arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic in us-east-1 the alarm notifies."
  value       = aws_sns_topic.alarm.arn
}

output "alarm_topic_kms_key_arn" {
  description = "ARN of the key that encrypts the alarm topic."
  value       = aws_kms_key.alarm_topic.arn
}

output "ttl_seconds" {
  description = "TTL clients see: Route 53 serves alias records to an ALB with a fixed 60 s TTL."
  value       = 60
}

output "alarm_subscription_arn" {
  description = "ARN of the failover function's subscription to the alarm topic."
  value       = aws_sns_topic_subscription.failover.arn
}

output "region" {
  description = "The region this module's provider manages."
  value       = data.aws_region.current.region
}

output "primary_check_id" {
  description = "ID of the PRIMARY record's CALCULATED check (the endpoint check and the latch check)."
  value       = aws_route53_health_check.primary_record.id
}

output "secondary_check_id" {
  description = "ID of the SECONDARY record's CALCULATED check (the latch-set check or B's endpoint check)."
  value       = aws_route53_health_check.secondary_record.id
}

output "latch_set_check_id" {
  description = "ID of the check of the latch object that is not inverted (healthy while the latch is set)."
  value       = aws_route53_health_check.latch_set.id
}

output "backup_health_check_id" {
  description = "ID of B's endpoint check (the shallow path of B's ALB)."
  value       = aws_route53_health_check.backup.id
}

output "backup_health_check_arn" {
  description = "ARN of B's endpoint check (the operator's status reads it)."
  value       = aws_route53_health_check.backup.arn
}

output "latch_check_id" {
  description = "ID of the inverted check of the latch object."
  value       = aws_route53_health_check.latch.id
}

output "checks_fingerprint" {
  description = "Digest of what makes the provider replace the PRIMARY's checks; the latch key carries it."
  value       = local.checks_fingerprint
}

output "health_signal_name" {
  description = "DNS name of the health-signal TXT pair."
  value       = local.health_signal_name
}

output "latch_signal_name" {
  description = "The latch-signal TXT failover pair's name (PRIMARY carries the inverted latch check): readiness reads whether Route 53 sees the latch."
  value       = local.latch_signal_name
}

output "health_signal_name_servers" {
  description = "Name servers to ask for the health signal: the zone's own, unless overridden."
  value       = var.health_signal_name_servers != null ? var.health_signal_name_servers : [for ns in data.aws_route53_zone.this[0].name_servers : trimsuffix(ns, ".")]
}
