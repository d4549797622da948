# The managed private registry (Harbor) shared by every environment: an image built once
# is promoted by its commit-SHA tag. CI pushes with its own user; retention keeps the most
# recent images and everything still being pulled, so rollbacks always find their image.

resource "ovh_cloud_project_containerregistry" "this" {
  service_name = var.service_name
  region       = var.region
  name         = var.name
  plan_id      = var.plan_id
}

resource "ovh_cloud_project_containerregistry_user" "ci" {
  service_name = var.service_name
  registry_id  = ovh_cloud_project_containerregistry.this.id
  email        = var.ci_user_email
  login        = "ci"
}

resource "ovh_cloud_project_containerregistry_ip_restrictions_registry" "this" {
  service_name = var.service_name
  registry_id  = ovh_cloud_project_containerregistry.this.id
  ip_restrictions = [
    for cidr in var.allowed_cidrs : { ip_block = cidr, description = "allowed network" }
  ]
}

resource "harbor_project" "platform" {
  name                   = "platform"
  public                 = false
  vulnerability_scanning = true
  # Pods may not pull images with known critical vulnerabilities.
  deployment_security = "critical"
}

# A pushed tag is never overwritten: each commit SHA names one image, whatever workflow
# pushes it (the image jobs also check before pushing, .github/workflows/_service.yml),
# and signatures, SBOMs and provenance attached to its digest stay true.
resource "harbor_immutable_tag_rule" "platform" {
  project_id    = harbor_project.platform.id
  repo_matching = "**"
  tag_matching  = "**"
}

resource "harbor_retention_policy" "platform" {
  scope    = harbor_project.platform.id
  schedule = "Daily"

  rule {
    most_recently_pushed = var.keep_most_recent
    repo_matching        = "**"
    tag_matching         = "**"
  }

  rule {
    n_days_since_last_pull = var.keep_pulled_within_days
    repo_matching          = "**"
    tag_matching           = "**"
  }
}
