output "kube_id" {
  value = ovh_cloud_project_kube.this.id
}

output "kubeconfig_attributes" {
  description = "Host and base64 credentials for the helm and kubernetes providers."
  value       = ovh_cloud_project_kube.this.kubeconfig_attributes
  sensitive   = true
}

output "kubeconfig" {
  value     = ovh_cloud_project_kube.this.kubeconfig
  sensitive = true
}

output "private_network_openstack_id" {
  description = "The network id managed databases attach to."
  value       = ovh_cloud_project_network_private.this.regions_openstack_ids[var.region]
}

output "subnet_id" {
  value = ovh_cloud_project_network_private_subnet.this.id
}

output "subnet_cidr" {
  value = var.subnet_cidr
}

output "node_pools" {
  description = "Each pool's flavor, bounds and node label, as planned."
  value = {
    for name, pool in ovh_cloud_project_kube_nodepool.this : name => {
      flavor    = pool.flavor_name
      min_nodes = pool.min_nodes
      max_nodes = pool.max_nodes
      labels    = one(one(pool.template).metadata).labels
    }
  }
}

output "kubernetes_version" {
  value = ovh_cloud_project_kube.this.version
}

output "plan" {
  value = ovh_cloud_project_kube.this.plan
}
