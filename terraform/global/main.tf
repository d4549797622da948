# Resources every environment shares: the container registry. One image per commit is
# built once and promoted through dev, staging and production by its tag.

provider "ovh" {
  endpoint = "ovh-eu"
}

# Harbor's API of the managed registry (retention policy, project settings). The admin
# credentials come from TF_VAR_harbor_admin_* in the operator's or CI's environment.
provider "harbor" {
  url      = module.registry.url
  username = var.harbor_admin_username
  password = var.harbor_admin_password
}

variable "service_name" {
  description = "OVHcloud Public Cloud project id holding shared resources."
  type        = string
}

variable "region" {
  type    = string
  default = "GRA"
}

variable "registry_plan_id" {
  description = "Registry plan id (OVHcloud capabilities API: S, M or L)."
  type        = string
}

variable "ci_allowed_cidrs" {
  description = "CI runners' and the clusters' egress networks."
  type        = list(string)
}

variable "harbor_admin_username" {
  type      = string
  sensitive = true
}

variable "harbor_admin_password" {
  type      = string
  sensitive = true
}

module "registry" {
  source = "../modules/ovh-registry"

  service_name  = var.service_name
  region        = var.region
  name          = "platform"
  plan_id       = var.registry_plan_id
  ci_user_email = "platform-ci@example.org"
  allowed_cidrs = var.ci_allowed_cidrs
}

output "registry_url" {
  value = module.registry.url
}

output "ci_user" {
  value = module.registry.ci_user
}

output "ci_password" {
  value     = module.registry.ci_password
  sensitive = true
}

output "retention" {
  value = module.registry.retention
}
