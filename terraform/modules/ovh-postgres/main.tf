# A managed PostgreSQL cluster per service (database-per-service), on the environment's
# private network, reachable only from the cluster subnet, backed up daily to two regions,
# with one database and two users each: <alias>_migrator owns the schema (the migration
# Job), <alias>_app only reads and writes rows (the processes). The users are created
# through the OVHcloud API, which knows no grants: sql/ holds the grants and where they run.

locals {
  node_count = { essential = 1, business = 2, enterprise = 3 }[var.plan]
  roles      = { for name in var.databases : name => { migrator = "${name}_migrator", app = "${name}_app" } }
}

resource "ovh_cloud_project_database" "this" {
  for_each = var.databases

  service_name        = var.service_name
  description         = "${var.name_prefix}-${each.key}"
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
      description = "${var.name_prefix} allowed network"
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

resource "ovh_cloud_project_database_postgresql_user" "migrator" {
  for_each = var.databases

  service_name = var.service_name
  cluster_id   = ovh_cloud_project_database.this[each.key].id
  name         = local.roles[each.key].migrator
}

resource "ovh_cloud_project_database_postgresql_user" "app" {
  for_each = var.databases

  service_name = var.service_name
  cluster_id   = ovh_cloud_project_database.this[each.key].id
  name         = local.roles[each.key].app
}

# Each cluster presents a certificate signed by its own CA: clients verify against it
# (sslmode=verify-full), not against the system bundle.
data "ovh_cloud_project_database_certificates" "this" {
  for_each = var.databases

  service_name = var.service_name
  engine       = "postgresql"
  cluster_id   = ovh_cloud_project_database.this[each.key].id
}

locals {
  # The primary's endpoint: a cluster also lists read-only replicas and connection pools.
  endpoint = {
    for name, db in ovh_cloud_project_database.this :
    name => one([for e in db.endpoints : e if e.component == "postgresql"])
  }
  urls = {
    for kind in ["app", "migrator"] : kind => {
      for name in var.databases : name => format(
        "postgres://%s:%s@%s:%d/%s?sslmode=verify-full",
        local.roles[name][kind],
        kind == "app" ? ovh_cloud_project_database_postgresql_user.app[name].password : ovh_cloud_project_database_postgresql_user.migrator[name].password,
        local.endpoint[name].domain,
        local.endpoint[name].port,
        ovh_cloud_project_database_database.this[name].name,
      )
    }
  }
}
