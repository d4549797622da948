# State in PostgreSQL (the `pg` backend): the small managed PostgreSQL created by
# terraform/bootstrap, one schema per root. Locking is a PostgreSQL advisory lock held for
# the whole operation, which works on OVHcloud (the s3 backend's use_lockfile needs
# conditional PUTs that OVHcloud Object Storage does not support). The connection string
# comes from PG_CONN_STR (docs/runbooks/terraform-state.md), never from this file.
terraform {
  backend "pg" {
    schema_name = "bootstrap"
  }
}
