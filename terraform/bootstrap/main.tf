# The Terraform state backend: a small managed PostgreSQL every root keeps its state in
# (`pg` backend, one schema per root, advisory-lock locking), and a versioned, encrypted
# bucket for state snapshots (`terraform state pull` after every apply: the history the pg
# backend does not keep), with the S3 user that may read and write it (and nothing else).

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

variable "state_database_region" {
  description = "Region of the state database (Database API naming)."
  type        = string
  default     = "GRA"
}

variable "operator_cidrs" {
  description = "Who runs Terraform: CI runners' and the operators' VPN egress. The state database has a public endpoint restricted to these."
  type        = list(string)
}

module "state_database" {
  source = "../modules/ovh-postgres"

  service_name   = var.service_name
  name_prefix    = "platform-terraform"
  region         = var.state_database_region
  databases      = toset(["terraform_state"])
  plan           = "essential"
  flavor         = "db1-4"
  disk_size_gb   = 20
  allowed_cidrs  = var.operator_cidrs
  backup_regions = [var.state_database_region, "SBG"]
}

output "state_database" {
  value = module.state_database.clusters["terraform_state"]
}

output "state_conn_str" {
  description = "PG_CONN_STR of every root (append &sslrootcert=<file of state_database_ca>). The schema-owning user: the pg backend creates its schema and table."
  value       = module.state_database.migration_urls["terraform_state"]
  sensitive   = true
}

output "state_database_ca" {
  value = module.state_database.ca_certificates["terraform_state"]
}

module "state" {
  source = "../modules/ovh-object-storage"

  service_name = var.service_name
  region       = var.region
  buckets      = ["platform-terraform-state"] # state snapshots
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
