output "cluster" {
  value = {
    id      = ovh_cloud_project_database.this.id
    engine  = ovh_cloud_project_database.this.engine
    plan    = ovh_cloud_project_database.this.plan
    nodes   = length(ovh_cloud_project_database.this.nodes)
    regions = distinct([for n in ovh_cloud_project_database.this.nodes : n.region])
    user    = ovh_cloud_project_database_valkey_user.platform.name
  }
}

output "url" {
  description = "REDIS_URL: rediss:// (TLS), the platform user, certificate verified against the cluster's CA."
  sensitive   = true
  value = format(
    "rediss://%s:%s@%s:%d/0?ssl_cert_reqs=required&ssl_ca_certs=%s",
    ovh_cloud_project_database_valkey_user.platform.name,
    ovh_cloud_project_database_valkey_user.platform.password,
    local.endpoint.domain,
    local.endpoint.port,
    var.ca_path,
  )
}

output "ca_certificate" {
  value = data.ovh_cloud_project_database_certificates.this.ca
}
