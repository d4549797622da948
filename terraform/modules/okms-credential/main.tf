# Delivers the External Secrets Operator's OKMS credential (the mTLS certificate and key
# Terraform created in ovh-secrets) as a kubernetes.io/tls Secret into every namespace
# that holds a SecretStore, straight from the apply to the cluster's API: the key is
# never written to a file or committed. It is the one credential that unlocks the others,
# so nothing else can deliver it. Rotation: taint the credential, apply (the Secrets are
# replaced in the same run), ESO reconnects on its next refresh.

resource "kubernetes_namespace_v1" "this" {
  for_each = var.create_namespaces

  metadata {
    name = each.key
  }

  lifecycle {
    # Argo CD owns the namespaces' labels (deploy/k8s/overlays/<env>/namespace.yaml);
    # Terraform only makes sure they exist before the Secret goes in.
    ignore_changes = [metadata]
  }
}

resource "kubernetes_secret_v1" "credential" {
  for_each = var.namespaces

  metadata {
    name      = var.secret_name
    namespace = each.key
    labels = {
      "app.kubernetes.io/part-of"    = "platform"
      "app.kubernetes.io/managed-by" = "terraform"
    }
  }
  type = "kubernetes.io/tls"
  data = {
    "tls.crt" = var.certificate
    "tls.key" = var.private_key
  }

  depends_on = [kubernetes_namespace_v1.this]
}
