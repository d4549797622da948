# One environment: its Kubernetes cluster and private network, a managed PostgreSQL per
# service, and Argo CD syncing deploy/argocd/apps/<environment> from Git.

locals {
  name = "platform-${var.environment}"
  # The platform's database aliases (config/services.py): default holds the gateway's tables.
  databases = ["default", "identity", "learning", "reputation", "passport", "governance", "marketplace"]
}

module "kubernetes" {
  source = "../../modules/ovh-kubernetes"

  service_name       = var.service_name
  name               = local.name
  region             = var.region
  kubernetes_version = var.kubernetes_version
  vlan_id            = var.vlan_id
  subnet_cidr        = var.subnet_cidr
  api_allowed_cidrs  = var.api_allowed_cidrs
  system_pool        = var.system_pool
  applications_pool  = var.applications_pool
}

module "postgres" {
  source = "../../modules/ovh-postgres"

  service_name   = var.service_name
  environment    = var.environment
  region         = var.region
  databases      = toset(local.databases)
  plan           = var.database_plan
  flavor         = var.database_flavor
  disk_size_gb   = var.database_disk_size_gb
  network_id     = module.kubernetes.private_network_openstack_id
  subnet_id      = module.kubernetes.subnet_id
  allowed_cidrs  = [module.kubernetes.subnet_cidr]
  backup_regions = var.database_backup_regions
  # Dev databases are disposable; the others refuse deletion.
  deletion_protection = var.environment != "dev"
}

module "argocd" {
  source = "../../modules/argocd"

  root_application = file("${path.root}/../../../deploy/argocd/root/${var.environment}.yaml")
}
