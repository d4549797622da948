# A managed PostgreSQL cluster per service (database-per-service), on the environment's
# private network, reachable only from the cluster subnet, backed up daily to another
# region, with one database and one application user each.

locals {
  node_count = { essential = 1, business = 2, enterprise = 3 }[var.plan]
}

resource "ovh_cloud_project_database" "this" {
  for_each = var.databases

  service_name        = var.service_name
  description         = "platform-${var.environment}-${each.key}"
  engine              = "postgresql"
  version             = var.postgresql_version
  plan                = var.plan
  flavor              = var.flavor
  disk_size           = var.disk_size_gb
  backup_regions      = var.backup_regions
  backup_time         = var.backup_time
  deletion_protection = var.deletion_protection

  dynamic "nodes" {
    for_each = range(local.node_count)
    content {
      region     = var.region
      network_id = var.network_id
      subnet_id  = var.subnet_id
    }
  }

  dynamic "ip_restrictions" {
    for_each = var.allowed_cidrs
    content {
      ip          = ip_restrictions.value
      description = "platform-${var.environment} cluster subnet"
    }
  }
}

resource "ovh_cloud_project_database_database" "this" {
  for_each = var.databases

  service_name = var.service_name
  engine       = "postgresql"
  cluster_id   = ovh_cloud_project_database.this[each.key].id
  name         = each.key
}

resource "ovh_cloud_project_database_postgresql_user" "app" {
  for_each = var.databases

  service_name = var.service_name
  cluster_id   = ovh_cloud_project_database.this[each.key].id
  name         = "${each.key}_app"
}
