# The bootstrap's own state ends up in the bucket it creates: bootstrap-state-backend.sh
# applies once with a local backend (a temporary backend_override.tf), then migrates the
# state here. Locking: S3 conditional writes (use_lockfile).
terraform {
  backend "s3" {
    bucket       = "platform-terraform-state"
    key          = "bootstrap/terraform.tfstate"
    region       = "gra"
    use_lockfile = true
    endpoints = {
      s3 = "https://s3.gra.io.cloud.ovh.net"
    }
    skip_credentials_validation = true
    skip_region_validation      = true
    skip_requesting_account_id  = true
    skip_s3_checksum            = true
  }
}
