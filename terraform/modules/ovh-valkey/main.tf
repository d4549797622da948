# The environment's Redis-compatible store: OVHcloud Managed Valkey, through the same
# database resource as PostgreSQL. Every process uses it (event bus streams, rate limits,
# Celery broker, degradation flags). TLS only, one ACL user for the platform, reachable
# from the cluster subnet only.

locals {
  node_count = { essential = 1, business = 2, enterprise = 3 }[var.plan]
}

resource "ovh_cloud_project_database" "this" {
  service_name        = var.service_name
  description         = "${var.name_prefix}-valkey"
  engine              = "valkey"
  version             = var.valkey_version
  plan                = var.plan
  flavor              = var.flavor
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
      description = "${var.name_prefix} cluster subnet"
    }
  }
}

# ACL: every command but the administrative ones (CONFIG, SHUTDOWN, DEBUG ...), on every
# key and channel: the bus, the cache and Celery share one keyspace with prefixes.
resource "ovh_cloud_project_database_valkey_user" "platform" {
  service_name = var.service_name
  cluster_id   = ovh_cloud_project_database.this.id
  name         = "platform"
  categories   = ["+@all", "-@admin"]
  keys         = ["*"]
  channels     = ["*"]
}

data "ovh_cloud_project_database_certificates" "this" {
  service_name = var.service_name
  engine       = "valkey"
  cluster_id   = ovh_cloud_project_database.this.id
}

locals {
  endpoint = one([for e in ovh_cloud_project_database.this.endpoints : e if e.component == "valkey"])
}
