# The environment's secret store: an OVHcloud Secret Manager (OKMS) domain, filled by
# Terraform with every value the platform's ExternalSecrets read (database URLs, the Valkey
# URL, the clusters' CA bundle, Django's SECRET_KEY), so no secret is copied by hand. The
# External Secrets Operator reads it with its own OVHcloud provider (`spec.provider.ovh`,
# ESO 2.2+), authenticated by the mTLS credential below (one per environment, read-only
# identity). The SecretStores in deploy/ name the regional endpoint and this domain's id.

locals {
  # OVHcloud's documented form of a domain's regional REST endpoint; the store names it,
  # so a domain answering elsewhere must stop the apply rather than leave the stores wrong.
  endpoint = "https://${var.okms_region}.okms.ovh.net"
}

resource "ovh_okms" "this" {
  ovh_subsidiary = var.ovh_subsidiary
  region         = var.okms_region
  display_name   = "${var.name_prefix}-secrets"

  lifecycle {
    postcondition {
      condition     = trimsuffix(self.rest_endpoint, "/") == local.endpoint
      error_message = "The OKMS domain's REST endpoint is not ${local.endpoint}: update the SecretStores (deploy/k8s/overlays/*/patches/secret-store.yaml, deploy/argocd/apps/*) and this module."
    }
  }
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
