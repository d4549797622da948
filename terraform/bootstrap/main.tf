# The Terraform state backend: the versioned, encrypted bucket every other root keeps its
# state in, and the S3 user that may read and write it (and nothing else).

provider "ovh" {
  endpoint = "ovh-eu"
}

variable "service_name" {
  description = "OVHcloud Public Cloud project id holding the state (the production project)."
  type        = string
}

variable "region" {
  description = "Object Storage region of the state bucket."
  type        = string
  default     = "GRA"
}

module "state" {
  source = "../modules/ovh-object-storage"

  service_name = var.service_name
  region       = var.region
  buckets      = ["platform-terraform-state"]
}

output "s3_endpoint" {
  value = module.state.s3_endpoint
}

output "buckets" {
  value = module.state.buckets
}

output "access_key_id" {
  value = module.state.access_key_id
}

output "secret_access_key" {
  value     = module.state.secret_access_key
  sensitive = true
}

output "policy" {
  value = module.state.policy
}
