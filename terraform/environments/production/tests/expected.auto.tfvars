# What the production plan must show (asserted by tests/plan.tftest.hcl, linked from
# ../../_shared/tests). Written out here rather than read from ../terraform.tfvars: a
# changed setting must fail the plan test until this file is changed with it.
expected_environment         = "production"
expected_applications_pool   = { min_nodes = 3, max_nodes = 10 }
expected_database_nodes      = 2
expected_deletion_protection = true
expected_kubernetes_plan     = "standard"
expected_valkey_nodes        = 2
