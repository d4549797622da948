output "kube_id" {
  value = module.kubernetes.kube_id
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

output "database_urls" {
  description = "Copy into the environment's Vault mount (platform/databases/<alias>)."
  value       = module.postgres.connection_urls
  sensitive   = true
}

output "argocd_root" {
  value = module.argocd.root_application
}
