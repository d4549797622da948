# Plan-time assertions for the shared registry (offline provider schema: terraform/README.md).

variables {
  # Test stand-ins; real values come from TF_VAR_harbor_admin_* and never from files.
  harbor_admin_username = "test-admin"
  harbor_admin_password = "test-password"
}

run "plan" {
  command = plan

  assert {
    condition     = output.retention.schedule == "Daily"
    error_message = "Retention runs daily."
  }

  assert {
    condition     = length(output.retention.rules) == 2
    error_message = "Keep the most recent images and everything still pulled."
  }

  assert {
    condition     = contains([for r in output.retention.rules : r.most_recently_pushed], 30)
    error_message = "The 30 most recent images per repository are kept (rollbacks)."
  }

  assert {
    condition     = contains([for r in output.retention.rules : r.n_days_since_last_pull], 90)
    error_message = "Images pulled within 90 days are kept (they run somewhere)."
  }
}

run "rejects_a_too_short_retention" {
  command = plan

  module {
    source = "../modules/ovh-registry"
  }

  variables {
    service_name     = "0123456789abcdef0123456789abcdef"
    region           = "GRA"
    name             = "platform"
    plan_id          = "x"
    ci_user_email    = "ci@example.org"
    allowed_cidrs    = ["203.0.113.0/24"]
    keep_most_recent = 3
  }

  expect_failures = [var.keep_most_recent]
}
