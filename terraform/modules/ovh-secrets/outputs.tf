output "layout" {
  description = "Path => property names written (no values): what the ExternalSecrets may reference."
  value       = { for p in var.paths : p => sort(nonsensitive(keys(var.values[p]))) }
}

output "okms_id" {
  value = ovh_okms.this.id
}

output "endpoint" {
  description = "The SecretStores' spec.provider.ovh.server (known at plan time, checked at apply)."
  value       = local.endpoint
}

output "reader_certificate" {
  value = ovh_okms_credential.reader.certificate_pem
}

output "reader_private_key" {
  value     = ovh_okms_credential.reader.private_key_pem
  sensitive = true
}
