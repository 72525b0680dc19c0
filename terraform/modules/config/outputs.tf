output "parameter_name" {
  description = "Name of the SSM parameter holding the document."
  value       = aws_ssm_parameter.config.name
}

output "parameter_arn" {
  description = "ARN of the SSM parameter."
  value       = aws_ssm_parameter.config.arn
}

output "document_json" {
  description = "The document as written (JSON)."
  value       = local.document_json
}
