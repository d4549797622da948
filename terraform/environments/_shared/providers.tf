# OVHcloud API credentials come from the environment (OVH_ENDPOINT, OVH_APPLICATION_KEY,
# OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY), never from files in this repository.
provider "ovh" {
  endpoint = "ovh-eu"
}

# Helm talks to the cluster this configuration creates (Argo CD installation).
provider "helm" {
  kubernetes {
    host                   = module.kubernetes.kubeconfig_attributes[0].host
    cluster_ca_certificate = base64decode(module.kubernetes.kubeconfig_attributes[0].cluster_ca_certificate)
    client_certificate     = base64decode(module.kubernetes.kubeconfig_attributes[0].client_certificate)
    client_key             = base64decode(module.kubernetes.kubeconfig_attributes[0].client_key)
  }
}

# Kubernetes talks to the same cluster, only to deliver the secret store's credential
# (modules/okms-credential): the one secret that cannot come through the store itself.
provider "kubernetes" {
  host                   = module.kubernetes.kubeconfig_attributes[0].host
  cluster_ca_certificate = base64decode(module.kubernetes.kubeconfig_attributes[0].cluster_ca_certificate)
  client_certificate     = base64decode(module.kubernetes.kubeconfig_attributes[0].client_certificate)
  client_key             = base64decode(module.kubernetes.kubeconfig_attributes[0].client_key)
}
