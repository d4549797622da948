output "kube_id" {
  value = module.kubernetes.kube_id
}

output "kubernetes_plan" {
  value = module.kubernetes.plan
}

output "kubeconfig" {
  value     = module.kubernetes.kubeconfig
  sensitive = true
}

output "node_pools" {
  value = module.kubernetes.node_pools
}

output "databases" {
  value = module.postgres.clusters
}

output "valkey" {
  value = module.valkey.cluster
}

output "secret_layout" {
  description = "Secret store paths and their property names (values are never output)."
  value       = module.secrets.layout
}

output "secret_store" {
  description = "What the SecretStore of deploy/k8s/overlays/<env> points at."
  value = {
    okms_id    = module.secrets.okms_id
    kv2_server = module.secrets.kv2_server
  }
}

output "secret_reader_certificate" {
  description = "mTLS certificate of the External Secrets Operator (Secret okms-credential, first apply)."
  value       = module.secrets.reader_certificate
}

output "secret_reader_private_key" {
  value     = module.secrets.reader_private_key
  sensitive = true
}

output "ca_path" {
  value = local.ca_path
}

output "argocd_root" {
  value = module.argocd.root_application
}

output "argocd_root_project" {
  value = module.argocd.root_project
}
