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
  description = "What every SecretStore's spec.provider.ovh names: the endpoint and the credential Secret (known at plan time; tests/infra/test_platform_tls.py checks deploy/ against it)."
  value = {
    server            = module.secrets.endpoint
    credential_secret = module.okms_credential.secret_name
    namespaces        = module.okms_credential.namespaces
  }
}

output "secret_store_okms_id" {
  description = "The SecretStores' spec.provider.ovh.okmsid: the domain's id, known after the first apply (docs/runbooks/first-apply.md)."
  value       = module.secrets.okms_id
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
