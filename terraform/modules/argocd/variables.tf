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
