output "root_application" {
  description = "Name and Git path of the root Application."
  value = {
    name = local.root.metadata.name
    path = local.root.spec.source.path
  }
}

output "argocd_chart_version" {
  value = helm_release.argocd.version
}
