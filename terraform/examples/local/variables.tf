variable "endpoint" {
  description = "The emulator's endpoint URL (scripts/emulator start prints it)."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^http://(127\\.0\\.0\\.1|localhost):[0-9]+$", var.endpoint))
    error_message = "endpoint must be a loopback URL such as http://127.0.0.1:5000: this example only runs against the local emulator."
  }
}

variable "primary_endpoint" {
  description = "Endpoint of the primary region's regional services (null: endpoint). A loopback port that refuses stands for an unreachable primary region."
  type        = string
  default     = null

  validation {
    condition     = var.primary_endpoint == null || can(regex("^http://(127\\.0\\.0\\.1|localhost):[0-9]+$", var.primary_endpoint))
    error_message = "primary_endpoint must be a loopback URL such as http://127.0.0.1:5001, or null."
  }
}

variable "deployment" {
  description = "Short name of the local deployment."
  type        = string
  default     = "local"
}

variable "regions" {
  description = "Primary and backup regions (the emulator serves any)."
  type = object({
    primary = string
    backup  = string
  })
  default = {
    primary = "eu-west-1"
    backup  = "eu-central-1"
  }
}

variable "app_bundle_path" {
  description = "The reference app bundle."
  type        = string
  default     = "../../../dist/app/pilotlight-app.zip"
}

variable "failover_package_path" {
  description = "The failover function's bundle."
  type        = string
  default     = "../../../dist/functions/failover.zip"
}

variable "readiness_package_path" {
  description = "The readiness function's bundle."
  type        = string
  default     = "../../../dist/functions/readiness.zip"
}

variable "probe_package_path" {
  description = "The probe function's bundle."
  type        = string
  default     = "../../../dist/functions/probe.zip"
}

variable "probe_target_url" {
  description = "What the probe GETs: the local P app on loopback (src/local/stack.ts starts P's app on this URL's port), not the emulator's ALB, which serves nothing."
  type        = string
  default     = "http://127.0.0.1:18080/health"

  validation {
    condition     = can(regex("^http://127\\.0\\.0\\.1:[0-9]+/", var.probe_target_url))
    error_message = "probe_target_url must be an http://127.0.0.1:<port>/ URL: the local P app listens on loopback."
  }
}

variable "active_region" {
  description = "The role switch: primary, or backup after a failover."
  type        = string
  default     = "primary"
}
