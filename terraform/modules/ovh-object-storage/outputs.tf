output "buckets" {
  value = { for name, b in ovh_cloud_project_storage.this : name => { versioning = b.versioning.status, encryption = b.encryption.sse_algorithm } }
}

output "s3_endpoint" {
  description = "The S3 endpoint the backend configuration uses."
  value       = "https://s3.${lower(var.region)}.io.cloud.ovh.net"
}

output "access_key_id" {
  value = ovh_cloud_project_user_s3_credential.state.access_key_id
}

output "secret_access_key" {
  value     = ovh_cloud_project_user_s3_credential.state.secret_access_key
  sensitive = true
}

output "policy" {
  value = ovh_cloud_project_user_s3_policy.state.policy
}
