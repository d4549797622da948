output "url" {
  value = ovh_cloud_project_containerregistry.this.url
}

output "ci_user" {
  value = ovh_cloud_project_containerregistry_user.ci.user
}

output "ci_password" {
  value     = ovh_cloud_project_containerregistry_user.ci.password
  sensitive = true
}

output "retention" {
  value = {
    schedule = harbor_retention_policy.platform.schedule
    rules    = harbor_retention_policy.platform.rule
  }
}
