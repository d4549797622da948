# Plan-time assertions for the state backend (offline provider schema: terraform/README.md).

run "plan" {
  command = plan

  assert {
    condition     = output.buckets["platform-terraform-state"] == { versioning = "enabled", encryption = "AES256" }
    error_message = "The state bucket must be versioned (recovery) and encrypted."
  }

  assert {
    condition     = output.s3_endpoint == "https://s3.gra.io.cloud.ovh.net"
    error_message = "The backends of every root point at this endpoint."
  }

  assert {
    condition = toset(jsondecode(output.policy).Statement[0].Resource) == toset([
      "arn:aws:s3:::platform-terraform-state",
      "arn:aws:s3:::platform-terraform-state/*",
    ])
    error_message = "The state user may touch the state bucket only."
  }
}

run "state_database" {
  command = plan

  assert {
    condition     = output.state_database.engine == "postgresql" && output.state_database.database == "terraform_state" && toset(output.state_database.backup_regions) == toset(["GRA", "SBG"])
    error_message = "State lives in a managed PostgreSQL (pg backend), backed up to two regions."
  }

  assert {
    condition     = toset(output.state_database.allowed_cidrs) == toset(var.operator_cidrs) && !contains(output.state_database.allowed_cidrs, "0.0.0.0/0")
    error_message = "Only the operators' and CI's networks reach the state database."
  }

  assert {
    condition     = output.state_database.deletion_protection
    error_message = "The state database refuses deletion."
  }
}

run "rejects_a_bad_bucket_name" {
  command = plan

  module {
    source = "../modules/ovh-object-storage"
  }

  variables {
    region  = "GRA"
    buckets = ["Platform_State"]
  }

  expect_failures = [var.buckets]
}
