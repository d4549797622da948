# What the dev plan must show (asserted by tests/plan.tftest.hcl, linked from
# ../../_shared/tests). Written out here rather than read from ../terraform.tfvars: a
# changed setting must fail the plan test until this file is changed with it.
expected_environment         = "dev"
expected_applications_pool   = { min_nodes = 1, max_nodes = 3 }
expected_database_nodes      = 1
expected_deletion_protection = false
expected_kubernetes_plan     = "free"
expected_valkey_nodes        = 1
