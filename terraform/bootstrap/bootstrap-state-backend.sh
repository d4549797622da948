#!/usr/bin/env bash
# Create the Terraform state backend, then move the bootstrap's own state into it.
#
#   OVH_ENDPOINT=ovh-eu OVH_APPLICATION_KEY=... OVH_APPLICATION_SECRET=... \
#   OVH_CONSUMER_KEY=... terraform/bootstrap/bootstrap-state-backend.sh
#
# Run once per organisation, by an operator, with the real Terraform CLI and the real
# ovh/ovh provider (never with the offline test mirror). Afterwards every root
# (bootstrap, global, environments/*) uses the bucket, with AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY set to the credentials printed at the end (store them in the
# team's password manager and in the CI secrets, nowhere else).
# Recovery of a damaged or lost state: docs/runbooks/terraform-state.md.
set -euo pipefail

cd "$(dirname "$0")"
: "${OVH_APPLICATION_KEY:?set the OVHcloud API credentials (OVH_*)}"

# 1. Apply with a local backend: the bucket does not exist yet.
cleanup() { rm -f backend_override.tf; }
trap cleanup EXIT
cat >backend_override.tf <<'HCL'
terraform {
  backend "local" {}
}
HCL
terraform init -input=false -reconfigure
terraform apply -input=false

AWS_ACCESS_KEY_ID=$(terraform output -raw access_key_id)
AWS_SECRET_ACCESS_KEY=$(terraform output -raw secret_access_key)
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# 2. Move this state into the bucket it just created (backend.tf).
cleanup
terraform init -input=false -migrate-state -force-copy
rm -f terraform.tfstate terraform.tfstate.backup

cat <<MSG
State backend ready. For every Terraform root, export:
  AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}
  AWS_SECRET_ACCESS_KEY=<terraform -chdir=terraform/bootstrap output -raw secret_access_key>
MSG
