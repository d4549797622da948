# Argo CD on the cluster, then the root Application of the environment's app-of-apps:
# from here on, everything on the cluster comes from Git.

locals {
  root = yamldecode(var.root_application)
}

resource "helm_release" "argocd" {
  name             = "argocd"
  repository       = "https://argoproj.github.io/argo-helm"
  chart            = "argo-cd"
  version          = var.chart_version
  namespace        = "argocd"
  create_namespace = true
  atomic           = true
  timeout          = 600

  values = [yamlencode({
    configs = {
      cm = {
        # Child Applications report health, so sync waves of the app-of-apps wait for
        # the add-ons (CRDs, operators) before the platform (Argo CD 1.8+ removed it).
        "resource.customizations.health.argoproj.io_Application" = <<-LUA
          hs = {}
          hs.status = "Progressing"
          hs.message = ""
          if obj.status ~= nil and obj.status.health ~= nil then
            hs.status = obj.status.health.status
            if obj.status.health.message ~= nil then
              hs.message = obj.status.health.message
            end
          end
          return hs
        LUA
      }
      params = { "server.insecure" = false }
    }
    global = { nodeSelector = { "platform.example.org/pool" = "system" } }
  })]
}

resource "helm_release" "root" {
  name       = "argocd-root"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argocd-apps"
  version    = var.apps_chart_version
  namespace  = "argocd"

  values = [yamlencode({
    applications = {
      (local.root.metadata.name) = merge(local.root.spec, {
        namespace  = local.root.metadata.namespace
        finalizers = local.root.metadata.finalizers
      })
    }
  })]

  depends_on = [helm_release.argocd]
}
