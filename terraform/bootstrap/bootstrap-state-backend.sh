#!/usr/bin/env bash
# Create the Terraform state backend, then move the bootstrap's own state into it.
#
#   OVH_ENDPOINT=ovh-eu OVH_APPLICATION_KEY=... OVH_APPLICATION_SECRET=... \
#   OVH_CONSUMER_KEY=... terraform/bootstrap/bootstrap-state-backend.sh
#
# Run once per organisation, by an operator, with the real Terraform CLI (>= 1.13) and the
# real ovh/ovh provider (never with the offline test mirror). Afterwards every root
# (bootstrap, global, environments/*) keeps its state in the managed PostgreSQL it
# creates (`pg` backend, one schema per root), with PG_CONN_STR set to the connection
# string printed at the end (store it in the team's password manager and in the CI
# secrets, nowhere else). Recovery: docs/runbooks/terraform-state.md.
set -euo pipefail

cd "$(dirname "$0")"
: "${OVH_APPLICATION_KEY:?set the OVHcloud API credentials (OVH_*)}"

# 1. Apply with a local backend: the state database does not exist yet (about 10 minutes,
#    most of it the database cluster).
cleanup() { rm -f backend_override.tf; }
trap cleanup EXIT
cat >backend_override.tf <<'HCL'
terraform {
  backend "local" {}
}
HCL
terraform init -input=false -reconfigure
terraform apply -input=false

CA_FILE=${STATE_CA_FILE:-$HOME/.config/platform/terraform-state-ca.pem}
mkdir -p "$(dirname "$CA_FILE")"
terraform output -raw state_database_ca >"$CA_FILE"
PG_CONN_STR="$(terraform output -raw state_conn_str)&sslrootcert=$CA_FILE"
export PG_CONN_STR

# 2. Move this state into the database it just created (backend.tf, schema bootstrap).
cleanup
terraform init -input=false -migrate-state -force-copy
rm -f terraform.tfstate terraform.tfstate.backup

cat <<MSG
State backend ready. For every Terraform root, export:
  PG_CONN_STR='<terraform -chdir=terraform/bootstrap output -raw state_conn_str>&sslrootcert=$CA_FILE'
MSG
