variable "service_name" {
  description = "OVHcloud Public Cloud project id of this environment."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.service_name))
    error_message = "service_name is the 32-character hexadecimal Public Cloud project id."
  }
}

variable "environment" {
  type = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be dev, staging or production."
  }
}

variable "region" {
  type = string
}

variable "kubernetes_version" {
  type = string
}

variable "vlan_id" {
  type = number
}

variable "subnet_cidr" {
  description = "Must match the overlay's NetworkPolicy CIDR (deploy/k8s/overlays/<env>/patches/network.yaml)."
  type        = string
}

variable "api_allowed_cidrs" {
  description = "Who may reach the Kubernetes API (CI runners, the VPN)."
  type        = list(string)

  validation {
    condition     = length(var.api_allowed_cidrs) > 0 && !contains(var.api_allowed_cidrs, "0.0.0.0/0")
    error_message = "Restrict the Kubernetes API to known networks; 0.0.0.0/0 is not allowed."
  }
}

variable "system_pool" {
  type = object({
    flavor    = string
    min_nodes = number
    max_nodes = number
    taints    = optional(list(map(string)), [])
  })
}

variable "applications_pool" {
  type = object({
    flavor    = string
    min_nodes = number
    max_nodes = number
    taints    = optional(list(map(string)), [])
  })

  validation {
    condition     = var.applications_pool.min_nodes >= 1 && var.applications_pool.min_nodes <= var.applications_pool.max_nodes
    error_message = "applications_pool needs 1 <= min_nodes <= max_nodes."
  }
}

variable "database_plan" {
  type = string
}

variable "database_flavor" {
  type = string
}

variable "database_disk_size_gb" {
  type = number
}

variable "database_backup_regions" {
  type = list(string)
}
