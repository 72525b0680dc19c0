output "record_fqdn" {
  description = "The application's DNS name."
  value       = module.pilotlight.record_fqdn
}

output "config_parameter_name" {
  description = "SSM parameter of the deployment-config document (backup region)."
  value       = module.pilotlight.config_parameter_name
}

output "rto_model" {
  description = "The recovery-time model of this configuration."
  value       = module.pilotlight.rto_model
}

output "operator_policy_json" {
  description = "Least-privilege IAM policy (JSON) for the operators who run the CLI against this deployment."
  value       = module.pilotlight.operator_policy_json
}
