output "clusters" {
  description = "Per service: the plan's shape (known at plan time) and the cluster id."
  value = {
    for name, db in ovh_cloud_project_database.this : name => {
      id                  = db.id
      engine              = db.engine
      version             = db.version
      plan                = db.plan
      nodes               = length(db.nodes)
      backup_regions      = db.backup_regions
      allowed_cidrs       = [for r in db.ip_restrictions : r.ip]
      deletion_protection = db.deletion_protection
      database            = ovh_cloud_project_database_database.this[name].name
      user                = ovh_cloud_project_database_postgresql_user.app[name].name
    }
  }
}

output "connection_urls" {
  description = "DATABASE_URL_<ALIAS> values, to be written into the environment's secret store."
  sensitive   = true
  value = {
    for name, db in ovh_cloud_project_database.this : name => format(
      "postgres://%s:%s@%s:%d/%s?sslmode=verify-full",
      ovh_cloud_project_database_postgresql_user.app[name].name,
      ovh_cloud_project_database_postgresql_user.app[name].password,
      db.endpoints[0].domain,
      db.endpoints[0].port,
      ovh_cloud_project_database_database.this[name].name,
    )
  }
}
