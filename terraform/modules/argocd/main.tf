# Argo CD on the cluster, then the root Application of the environment's app-of-apps:
# from here on, everything on the cluster comes from Git.

locals {
  root    = yamldecode(var.root_application)
  project = yamldecode(var.root_project)
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

  # Bootstrap credential for the repository: a credential template for the organisation,
  # so the first sync can read Git before External Secrets exists. Afterwards the
  # repository Secret of deploy/argocd/apps/base/repository.yaml (from the secret store)
  # takes precedence.
  set_sensitive {
    name  = "configs.credentialTemplates.github.url"
    value = var.repository_credentials.url_prefix
  }
  set_sensitive {
    name  = "configs.credentialTemplates.github.githubAppID"
    value = var.repository_credentials.app_id
  }
  set_sensitive {
    name  = "configs.credentialTemplates.github.githubAppInstallationID"
    value = var.repository_credentials.installation_id
  }
  set_sensitive {
    name  = "configs.credentialTemplates.github.githubAppPrivateKey"
    value = var.repository_credentials.private_key
  }
}

resource "helm_release" "root" {
  name       = "argocd-root"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argocd-apps"
  version    = var.apps_chart_version
  namespace  = "argocd"

  values = [yamlencode({
    # The root Application's own project (deploy/argocd/root/project.yaml), never default.
    projects = {
      (local.project.metadata.name) = merge(local.project.spec, {
        namespace = local.project.metadata.namespace
      })
    }
    applications = {
      (local.root.metadata.name) = merge(local.root.spec, {
        namespace  = local.root.metadata.namespace
        finalizers = local.root.metadata.finalizers
      })
    }
  })]

  depends_on = [helm_release.argocd]
}
