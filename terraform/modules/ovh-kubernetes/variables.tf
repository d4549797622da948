variable "service_name" {
  description = "OVHcloud Public Cloud project id."
  type        = string
}

variable "name" {
  description = "Cluster name; also prefixes the private network and node pools."
  type        = string
}

variable "region" {
  description = "OVHcloud region of the cluster, e.g. GRA9."
  type        = string
}

variable "plan" {
  description = "Control plane plan: free (best effort, shared etcd) or standard (SLA, dedicated etcd, larger clusters). The provider cannot migrate a cluster between plans: changing it replaces the cluster."
  type        = string

  validation {
    condition     = contains(["free", "standard"], var.plan)
    error_message = "plan must be free or standard (the MKS plans)."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version (OVHcloud managed Kubernetes supports a few at a time)."
  type        = string

  validation {
    condition     = can(regex("^1\\.(3[0-9])$", var.kubernetes_version))
    error_message = "Use a supported minor version, 1.30 or later (e.g. \"1.31\")."
  }
}

variable "vlan_id" {
  description = "vRack VLAN of the environment's private network (one per environment)."
  type        = number
}

variable "subnet_cidr" {
  description = "Private subnet of nodes and managed databases; the NetworkPolicies of the overlay allow it."
  type        = string

  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be a CIDR block."
  }
}

variable "api_allowed_cidrs" {
  description = "Who may reach the Kubernetes API (CI runners, the VPN). Never 0.0.0.0/0."
  type        = list(string)

  validation {
    condition     = length(var.api_allowed_cidrs) > 0 && !contains(var.api_allowed_cidrs, "0.0.0.0/0")
    error_message = "Restrict the API to known networks; 0.0.0.0/0 is not allowed."
  }
}

variable "system_pool" {
  description = "Node pool for cluster add-ons (Argo CD, ingress, monitoring)."
  type = object({
    flavor    = string
    min_nodes = number
    max_nodes = number
    # Kubernetes taints as {key, value, effect}.
    taints = optional(list(map(string)), [])
  })
}

variable "applications_pool" {
  description = "Node pool for the platform's pods (nodeSelector platform.example.org/pool=applications)."
  type = object({
    flavor    = string
    min_nodes = number
    max_nodes = number
    taints    = optional(list(map(string)), [])
  })
}
