output "deployment_config" {
  description = "The deployment-config document (JSON)."
  value       = module.pilotlight.deployment_config
}

output "config_parameter_name" {
  description = "SSM parameter of the document (backup region)."
  value       = module.pilotlight.config_parameter_name
}

output "rto_model" {
  description = "The recovery-time model of this configuration."
  value       = module.pilotlight.rto_model
}

output "alarm_name" {
  description = "The primary-health alarm the local harness creates with the SDK (CloudWatch gap)."
  value       = module.pilotlight.alarm_name
}

output "failover_function_name" {
  description = "Name of the failover function."
  value       = module.pilotlight.failover_function_name
}

output "readiness_function_name" {
  description = "Name of the readiness function."
  value       = module.pilotlight.readiness_function_name
}

output "operator_policy_json" {
  description = "Least-privilege IAM policy (JSON) for the operators who run the CLI against this deployment."
  value       = module.pilotlight.operator_policy_json
}
