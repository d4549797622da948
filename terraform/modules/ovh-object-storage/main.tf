# S3-compatible Object Storage for Terraform state: versioned (every state write can be
# recovered, docs/runbooks/terraform-state.md), encrypted at rest, and reachable with a
# dedicated user whose S3 policy covers these buckets only.

resource "ovh_cloud_project_storage" "this" {
  for_each = var.buckets

  service_name = var.service_name
  region_name  = var.region
  name         = each.key
  versioning   = { status = "enabled" }
  encryption   = { sse_algorithm = "AES256" }
}

resource "ovh_cloud_project_user" "state" {
  service_name = var.service_name
  description  = "Terraform state access"
  role_name    = "objectstore_operator"
}

resource "ovh_cloud_project_user_s3_credential" "state" {
  service_name = var.service_name
  user_id      = ovh_cloud_project_user.state.id
}

resource "ovh_cloud_project_user_s3_policy" "state" {
  service_name = var.service_name
  user_id      = ovh_cloud_project_user.state.id
  policy = jsonencode({
    Statement = [
      {
        Sid    = "TerraformState"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:ListBucket",
          "s3:GetBucketLocation",
          "s3:GetObjectVersion",
          "s3:ListBucketVersions",
        ]
        Resource = flatten([
          for b in var.buckets : ["arn:aws:s3:::${b}", "arn:aws:s3:::${b}/*"]
        ])
      },
    ]
  })
}
