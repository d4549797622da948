# Plan-time assertions every environment runs (terraform test, offline provider schema:
# terraform/README.md); each environment's tests/plan.tftest.hcl links here. The plan
# comes from the environment's ../terraform.tfvars; what it must show there is written out
# again in its tests/expected.auto.tfvars (terraform test loads *.auto.tfvars from the test
# directory), so a setting changed in terraform.tfvars alone fails the test.

variable "expected_environment" {
  type = string
}

variable "expected_applications_pool" {
  type = object({ min_nodes = number, max_nodes = number })
}

variable "expected_database_nodes" {
  type = number
}

variable "expected_deletion_protection" {
  type = bool
}

variable "expected_kubernetes_plan" {
  type = string
}

variable "expected_valkey_nodes" {
  type = number
}

# Sensitive inputs an operator passes as TF_VAR_* (placeholders for the plan).
variables {
  argocd_github_app = { id = "1", installation_id = "2", private_key = "not-a-key" }
  smtp_account      = { username = "mailer", password = "not-a-password" }
  alert_receivers   = { slack_webhook_url = "https://hooks.example.org/x", pagerduty_routing_key = "not-a-key" }
}

run "plan" {
  command = plan

  assert {
    condition     = toset(keys(output.node_pools)) == toset(["system", "applications"])
    error_message = "The cluster needs exactly a system and an applications node pool."
  }

  assert {
    condition     = output.node_pools["applications"].labels["platform.example.org/pool"] == "applications"
    error_message = "Application nodes must carry the label the Deployments select on."
  }

  assert {
    condition     = output.node_pools["applications"].min_nodes == var.expected_applications_pool.min_nodes && output.node_pools["applications"].max_nodes == var.expected_applications_pool.max_nodes
    error_message = "The application pool bounds differ from tests/expected.auto.tfvars."
  }

  assert {
    condition     = length(output.databases) == 7
    error_message = "One managed PostgreSQL per database alias (seven)."
  }

  assert {
    condition = alltrue([
      for name, db in output.databases :
      db.engine == "postgresql" && db.nodes == var.expected_database_nodes && db.database == name && db.user == "${name}_app"
    ])
    error_message = "Each service gets its own PostgreSQL cluster, database and user."
  }

  assert {
    condition     = alltrue([for db in output.databases : db.allowed_cidrs == [var.subnet_cidr]])
    error_message = "Databases accept connections from the cluster subnet only."
  }

  assert {
    condition     = alltrue([for db in output.databases : toset(db.regions) == toset(["GRA"]) && toset(db.backup_regions) == toset(["GRA", "SBG"])])
    error_message = "Databases run in GRA (Database API naming) and back up to GRA and SBG."
  }

  assert {
    condition     = alltrue([for name, db in output.databases : db.migration_user == "${name}_migrator" && db.user == "${name}_app"])
    error_message = "Each database has a schema-owning migration user and a DML-only application user."
  }

  assert {
    condition     = output.kubernetes_plan == var.expected_kubernetes_plan
    error_message = "The MKS plan differs from tests/expected.auto.tfvars."
  }

  assert {
    condition     = output.valkey.engine == "valkey" && output.valkey.nodes == var.expected_valkey_nodes && toset(output.valkey.regions) == toset(["GRA"]) && output.valkey.user == "platform"
    error_message = "One managed Valkey per environment, in the databases' region, with the platform user."
  }

  assert {
    condition = jsonencode(output.secret_layout) == jsonencode(merge(
      { for alias in ["default", "identity", "learning", "reputation", "passport", "governance", "marketplace"] : "platform/databases/${alias}" => ["url"] },
      {
        "platform/databases/migrate"  = sort([for alias in ["default", "identity", "learning", "reputation", "passport", "governance", "marketplace"] : "DATABASE_URL_${upper(alias)}"])
        "platform/redis"              = ["url"]
        "platform/django"             = ["secret-key"]
        "platform/metrics"            = ["token"]
        "platform/smtp"               = ["password", "username"]
        "platform/tls"                = ["ca.crt"]
        "platform/argocd/repository"  = ["githubAppID", "githubAppInstallationID", "githubAppPrivateKey", "type", "url"]
        "observability/alertmanager"  = ["pagerduty-routing-key", "slack-webhook-url", "smtp-password"]
        "observability/grafana"       = ["admin-password", "admin-username"]
        "observability/elasticsearch" = ["jaeger-password", "otel-collector-password"]
      },
    ))
    error_message = "The secret store holds every path and property the ExternalSecrets read."
  }

  assert {
    condition     = output.secret_store.server == "https://${var.okms_region}.okms.ovh.net" && output.secret_store.credential_secret == "okms-credential" && contains(output.secret_store.namespaces, "platform-${var.environment}") && contains(output.secret_store.namespaces, "argocd")
    error_message = "The SecretStores' endpoint is the OKMS domain's region, and the store credential reaches every namespace with a SecretStore."
  }

  assert {
    condition     = output.ca_path == "/etc/platform/tls/ca.crt"
    error_message = "The CA bundle path is where deploy/k8s mounts it (DATABASE_SSLROOTCERT)."
  }

  assert {
    condition     = module.kubernetes.kubernetes_version == "1.31"
    error_message = "The cluster runs the Kubernetes version the manifests are validated against (tests/infra/tools.py)."
  }

  assert {
    condition     = output.argocd_root == { name = "root", path = "deploy/argocd/apps/${var.expected_environment}", project = "root" }
    error_message = "Argo CD's root Application must sync this environment's app-of-apps, in its own project."
  }

  assert {
    condition     = output.argocd_root_project.name == "root" && length(output.argocd_root_project.cluster_resources) == 0 && jsonencode(output.argocd_root_project.namespace_resource_kinds) == jsonencode(["AppProject", "Application", "ExternalSecret", "SecretStore"])
    error_message = "The root project may create only the app-of-apps' objects, nothing cluster-wide."
  }

  assert {
    condition     = alltrue([for db in output.databases : db.deletion_protection == var.expected_deletion_protection])
    error_message = "Only dev databases may be deleted (tests/expected.auto.tfvars)."
  }
}

run "rejects_an_open_kubernetes_api" {
  command = plan

  variables {
    api_allowed_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.api_allowed_cidrs]
}

run "rejects_an_inverted_node_pool" {
  command = plan

  variables {
    applications_pool = { flavor = "b3-8", min_nodes = 4, max_nodes = 2 }
  }

  expect_failures = [var.applications_pool]
}

run "rejects_the_free_plan_in_production" {
  command = plan

  variables {
    environment     = "production"
    kubernetes_plan = "free"
  }

  expect_failures = [var.kubernetes_plan]
}

run "rejects_backups_outside_the_node_region" {
  command = plan

  variables {
    database_backup_regions = ["SBG"]
  }

  expect_failures = [var.database_backup_regions]
}

run "rejects_a_kubernetes_style_database_region" {
  command = plan

  variables {
    database_region         = "GRA9"
    database_backup_regions = ["GRA9", "SBG"]
  }

  expect_failures = [var.database_region]
}
