# Shared resources of every environment. State in the bucket from terraform/bootstrap,
# locked by S3 conditional writes (use_lockfile).
terraform {
  backend "s3" {
    bucket       = "platform-terraform-state"
    key          = "global/terraform.tfstate"
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
