# One environment: its Kubernetes cluster and private network, a managed PostgreSQL per
# service, a managed Valkey, the secret store every ExternalSecret reads (filled here),
# and Argo CD syncing deploy/argocd/apps/<environment> from Git.

locals {
  name = "platform-${var.environment}"
  # The platform's database aliases (config/services.py): default holds the gateway's tables.
  databases = ["default", "identity", "learning", "reputation", "passport", "governance", "marketplace"]
  # Where every pod mounts the CA bundle (deploy/k8s/components/tls: Secret platform-tls,
  # DATABASE_SSLROOTCERT in the platform-common ConfigMap).
  ca_path = "/etc/platform/tls/ca.crt"
  # The Secret every SecretStore's auth.mtls names (deploy/k8s/base/common/secret-store.yaml).
  okms_credential_secret = "okms-credential"
}

module "kubernetes" {
  source = "../../modules/ovh-kubernetes"

  service_name       = var.service_name
  name               = local.name
  region             = var.region
  plan               = var.kubernetes_plan
  kubernetes_version = var.kubernetes_version
  vlan_id            = var.vlan_id
  subnet_cidr        = var.subnet_cidr
  api_allowed_cidrs  = var.api_allowed_cidrs
  system_pool        = var.system_pool
  applications_pool  = var.applications_pool
}

module "postgres" {
  source = "../../modules/ovh-postgres"

  service_name   = var.service_name
  name_prefix    = local.name
  region         = var.database_region
  databases      = toset(local.databases)
  plan           = var.database_plan
  flavor         = var.database_flavor
  disk_size_gb   = var.database_disk_size_gb
  network_id     = module.kubernetes.private_network_openstack_id
  subnet_id      = module.kubernetes.subnet_id
  allowed_cidrs  = [module.kubernetes.subnet_cidr]
  backup_regions = var.database_backup_regions
  # Dev databases are disposable; the others refuse deletion.
  deletion_protection = var.environment != "dev"
}

module "valkey" {
  source = "../../modules/ovh-valkey"

  service_name        = var.service_name
  name_prefix         = local.name
  region              = var.database_region
  plan                = var.valkey_plan
  flavor              = var.valkey_flavor
  network_id          = module.kubernetes.private_network_openstack_id
  subnet_id           = module.kubernetes.subnet_id
  allowed_cidrs       = [module.kubernetes.subnet_cidr]
  deletion_protection = var.environment != "dev"
  ca_path             = local.ca_path
}

resource "random_password" "django_secret_key" {
  length  = 64
  special = false
}

# What Prometheus sends to /metrics (the ServiceMonitors read it from each process's Secret).
resource "random_password" "metrics_token" {
  length  = 48
  special = false
}

# The observability stack's own passwords (Grafana's admin, the Elasticsearch users of the
# Collector and Jaeger): generated here like SECRET_KEY, read through the same store.
resource "random_password" "observability" {
  for_each = toset(["grafana-admin", "otel-collector", "jaeger"])

  length  = 32
  special = false
}

locals {
  # Every value an ExternalSecret of deploy/k8s or deploy/argocd reads (remoteRef key =>
  # property), written by Terraform: no copy by hand. tests/infra/test_platform_tls.py
  # checks this layout against the built overlays.
  secrets = merge(
    { for alias, url in module.postgres.connection_urls : "platform/databases/${alias}" => { url = url } },
    {
      "platform/databases/migrate" = {
        for alias, url in module.postgres.migration_urls : "DATABASE_URL_${upper(alias)}" => url
      }
      "platform/redis"   = { url = module.valkey.url }
      "platform/django"  = { "secret-key" = random_password.django_secret_key.result }
      "platform/metrics" = { token = random_password.metrics_token.result }
      "platform/smtp"    = { username = var.smtp_account.username, password = var.smtp_account.password }
      # deploy/observability/k8s/secrets.yaml (store observability-secrets, same domain).
      "observability/alertmanager" = {
        "slack-webhook-url"     = var.alert_receivers.slack_webhook_url
        "pagerduty-routing-key" = var.alert_receivers.pagerduty_routing_key
        "smtp-password"         = var.smtp_account.password
      }
      "observability/grafana" = {
        "admin-username" = "admin"
        "admin-password" = random_password.observability["grafana-admin"].result
      }
      "observability/elasticsearch" = {
        "otel-collector-password" = random_password.observability["otel-collector"].result
        "jaeger-password"         = random_password.observability["jaeger"].result
      }
      # One bundle: each PostgreSQL cluster and the Valkey cluster have their own CA, and
      # libpq/redis-py accept several CAs in one PEM file.
      "platform/tls" = {
        "ca.crt" = join("\n", distinct(concat(values(module.postgres.ca_certificates), [module.valkey.ca_certificate])))
      }
      "platform/argocd/repository" = {
        type                    = "git"
        url                     = var.gitops_repository_url
        githubAppID             = var.argocd_github_app.id
        githubAppInstallationID = var.argocd_github_app.installation_id
        githubAppPrivateKey     = var.argocd_github_app.private_key
      }
    },
  )
}

module "secrets" {
  source = "../../modules/ovh-secrets"

  name_prefix          = local.name
  okms_region          = var.okms_region
  paths                = toset(concat([for alias in local.databases : "platform/databases/${alias}"], ["platform/databases/migrate", "platform/redis", "platform/django", "platform/metrics", "platform/smtp", "platform/tls", "platform/argocd/repository", "observability/alertmanager", "observability/grafana", "observability/elasticsearch"]))
  values               = local.secrets
  reader_identity_urns = var.secret_reader_identity_urns
}

# The store's one credential, straight into the namespaces whose SecretStore uses it
# (deploy/k8s/overlays/<env>, deploy/argocd/apps/base/repository.yaml,
# deploy/observability/k8s/secrets.yaml). argocd is created by the Argo CD release.
module "okms_credential" {
  source = "../../modules/okms-credential"

  secret_name       = local.okms_credential_secret
  namespaces        = toset([local.name, "argocd", "monitoring", "observability"])
  create_namespaces = toset([local.name, "monitoring", "observability"])
  certificate       = module.secrets.reader_certificate
  private_key       = module.secrets.reader_private_key

  depends_on = [module.argocd]
}

module "argocd" {
  source = "../../modules/argocd"

  root_application = file("${path.root}/../../../deploy/argocd/root/${var.environment}.yaml")
  root_project     = file("${path.root}/../../../deploy/argocd/root/project.yaml")
  repository_credentials = {
    url_prefix      = regex("^https://github.com/[^/]+", var.gitops_repository_url)
    app_id          = var.argocd_github_app.id
    installation_id = var.argocd_github_app.installation_id
    private_key     = var.argocd_github_app.private_key
  }
}
