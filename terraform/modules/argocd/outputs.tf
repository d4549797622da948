output "root_application" {
  description = "Name and Git path of the root Application."
  value = {
    name    = local.root.metadata.name
    path    = local.root.spec.source.path
    project = local.root.spec.project
  }
}

output "argocd_chart_version" {
  value = helm_release.argocd.version
}

output "root_project" {
  description = "The root project's name and what it may deploy."
  value = {
    name                     = local.project.metadata.name
    cluster_resources        = local.project.spec.clusterResourceWhitelist
    namespace_resource_kinds = sort([for r in local.project.spec.namespaceResourceWhitelist : r.kind])
  }
}
