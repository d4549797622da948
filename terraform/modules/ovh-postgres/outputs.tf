output "clusters" {
  description = "Per service: the plan's shape (known at plan time) and the cluster id."
  value = {
    for name, db in ovh_cloud_project_database.this : name => {
      id                  = db.id
      engine              = db.engine
      version             = db.version
      plan                = db.plan
      nodes               = length(db.nodes)
      regions             = distinct([for n in db.nodes : n.region])
      backup_regions      = db.backup_regions
      allowed_cidrs       = [for r in db.ip_restrictions : r.ip]
      deletion_protection = db.deletion_protection
      database            = ovh_cloud_project_database_database.this[name].name
      user                = ovh_cloud_project_database_postgresql_user.app[name].name
      migration_user      = ovh_cloud_project_database_postgresql_user.migrator[name].name
    }
  }
}

output "connection_urls" {
  description = "DATABASE_URL_<ALIAS> of the processes: the DML-only <alias>_app users."
  sensitive   = true
  value       = local.urls.app
}

output "migration_urls" {
  description = "DATABASE_URL_<ALIAS> of the migration Job: the schema-owning <alias>_migrator users."
  sensitive   = true
  value       = local.urls.migrator
}

output "ca_certificates" {
  description = "Each cluster's CA certificate (PEM), from the OVHcloud API."
  value       = { for name, cert in data.ovh_cloud_project_database_certificates.this : name => cert.ca }
}
