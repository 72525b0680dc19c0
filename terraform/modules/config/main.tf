locals {
  parameter_name = "/pilotlight/${var.deployment}/config"
  document_json  = jsonencode(var.document)
}

resource "aws_ssm_parameter" "config" {
  name        = local.parameter_name
  description = "pilotlight deployment-config document (schema v${var.document.version}); written by Terraform, read by the functions and the CLI"
  type        = "String"
  tier        = length(local.document_json) > 4096 ? "Advanced" : "Standard"
  value       = local.document_json
  tags        = var.tags
  #checkov:skip=CKV2_AWS_34:The document holds ids and ARNs only, no secrets; a plain String keeps it readable with ssm:GetParameter alone (the contract of the programs).
}
