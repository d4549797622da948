variable "chart_version" {
  description = "argo-cd Helm chart version."
  type        = string
  default     = "8.2.5"
}

variable "apps_chart_version" {
  description = "argocd-apps Helm chart version (installs the root Application)."
  type        = string
  default     = "2.0.2"
}

variable "root_application" {
  description = "The root Application manifest (deploy/argocd/root/<env>.yaml), as YAML."
  type        = string

  validation {
    condition     = yamldecode(var.root_application).kind == "Application"
    error_message = "root_application must be an Argo CD Application manifest."
  }
}

variable "root_project" {
  description = "The root Application's AppProject (deploy/argocd/root/project.yaml), as YAML."
  type        = string

  validation {
    condition     = yamldecode(var.root_project).kind == "AppProject" && yamldecode(var.root_project).metadata.name != "default"
    error_message = "root_project must be an AppProject other than default."
  }
}

variable "repository_credentials" {
  description = "GitHub App Argo CD reads the repository with (bootstrap credential template)."
  type = object({
    url_prefix      = string
    app_id          = string
    installation_id = string
    private_key     = string
  })
  sensitive = true
}
