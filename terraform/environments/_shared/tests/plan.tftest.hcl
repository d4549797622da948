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
    condition     = alltrue([for db in output.databases : length(db.backup_regions) > 0 && !contains(db.backup_regions, "GRA")])
    error_message = "Backups go to another region than the nodes."
  }

  assert {
    condition     = module.kubernetes.kubernetes_version == "1.31"
    error_message = "The cluster runs the Kubernetes version the manifests are validated against (tests/infra/tools.py)."
  }

  assert {
    condition     = output.argocd_root == { name = "root", path = "deploy/argocd/apps/${var.expected_environment}" }
    error_message = "Argo CD's root Application must sync this environment's app-of-apps."
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
