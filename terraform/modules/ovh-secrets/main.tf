# The environment's secret store: an OVHcloud Secret Manager (OKMS) domain, filled by
# Terraform with every value the platform's ExternalSecrets read (database URLs, the Valkey
# URL, the clusters' CA bundle, Django's SECRET_KEY), so no secret is copied by hand. The
# External Secrets Operator reads it through OKMS's HashiCorp-Vault-KV2-compatible API,
# authenticated by the mTLS credential below (one per environment, read-only identity).

resource "ovh_okms" "this" {
  ovh_subsidiary = var.ovh_subsidiary
  region         = var.okms_region
  display_name   = "${var.name_prefix}-secrets"
}

resource "ovh_okms_secret" "this" {
  for_each = var.paths

  okms_id = ovh_okms.this.id
  path    = each.key
  version = { data = jsonencode(var.values[each.key]) }
}

resource "ovh_okms_credential" "reader" {
  okms_id       = ovh_okms.this.id
  name          = "${var.name_prefix}-external-secrets"
  description   = "External Secrets Operator of ${var.name_prefix} (read-only IAM identity)"
  identity_urns = var.reader_identity_urns
  validity      = 365
}
