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
  description = "At most two regions, one of them database_region (the Database API's rule)."
  type        = list(string)

  validation {
    condition     = length(var.database_backup_regions) <= 2 && contains(var.database_backup_regions, var.database_region)
    error_message = "database_backup_regions: at most two regions, one of them database_region."
  }
}

variable "kubernetes_plan" {
  description = "MKS control plane plan: free or standard (production: standard, for the SLA and dedicated etcd)."
  type        = string

  validation {
    condition     = contains(["free", "standard"], var.kubernetes_plan)
    error_message = "kubernetes_plan must be free or standard."
  }

  validation {
    condition     = var.environment != "production" || var.kubernetes_plan == "standard"
    error_message = "Production runs on the standard MKS plan (SLA, dedicated etcd)."
  }
}

variable "database_region" {
  description = "Region of the managed databases, in the Database API's naming (GRA for a GRA9 cluster)."
  type        = string

  validation {
    condition     = can(regex("^[A-Z]+$", var.database_region))
    error_message = "database_region is a GRA/SBG-style name, without the datacentre number (GRA, not GRA9)."
  }
}

variable "valkey_plan" {
  type = string
}

variable "valkey_flavor" {
  type = string
}

variable "okms_region" {
  description = "OVHcloud Secret Manager region (eu-west-gra ...)."
  type        = string
}

variable "secret_reader_identity_urns" {
  description = "IAM identity (service account) the External Secrets Operator reads the secret store as; created by hand (docs/runbooks/first-apply.md)."
  type        = list(string)
}

variable "gitops_repository_url" {
  description = "The repository Argo CD syncs (deploy/argocd)."
  type        = string
  default     = "https://github.com/example-org/learning-platform.git"
}

variable "smtp_account" {
  description = "The account identity and the admin authenticate to the SMTP relay with (verification and reset mails); created with the mail provider, passed as TF_VAR_smtp_account, stored in the secret store."
  type = object({
    username = string
    password = string
  })
  sensitive = true
}

variable "alert_receivers" {
  description = "Where Alertmanager pages (deploy/observability/alertmanager): the Slack incoming webhook and the PagerDuty routing key; created with those services, passed as TF_VAR_alert_receivers, stored in the secret store."
  type = object({
    slack_webhook_url     = string
    pagerduty_routing_key = string
  })
  sensitive = true
}

variable "argocd_github_app" {
  description = "GitHub App Argo CD reads the repository with (read-only contents); created by hand on GitHub, passed as TF_VAR_argocd_github_app, stored in the secret store."
  type = object({
    id              = string
    installation_id = string
    private_key     = string
  })
  sensitive = true
}
