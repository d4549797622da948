output "layout" {
  description = "Path => property names written (no values): what the ExternalSecrets may reference."
  value       = { for p in var.paths : p => sort(nonsensitive(keys(var.values[p]))) }
}

output "okms_id" {
  value = ovh_okms.this.id
}

output "kv2_server" {
  description = "The SecretStore's Vault server: OKMS's KV2-compatible API of this domain."
  value       = "${ovh_okms.this.rest_endpoint}/api/${ovh_okms.this.id}"
}

output "reader_certificate" {
  value = ovh_okms_credential.reader.certificate_pem
}

output "reader_private_key" {
  value     = ovh_okms_credential.reader.private_key_pem
  sensitive = true
}
