# State in the OVHcloud Object Storage bucket created by terraform/bootstrap, locked by
# S3 conditional writes (use_lockfile: a .tflock object next to the state, no DynamoDB).
# Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the bootstrap's state user.
terraform {
  backend "s3" {
    bucket       = "platform-terraform-state"
    key          = "environments/dev/terraform.tfstate"
    region       = "gra"
    use_lockfile = true
    endpoints = {
      s3 = "https://s3.gra.io.cloud.ovh.net"
    }
    # Not AWS: no STS account lookup, no AWS region list, no AWS-only checksums.
    skip_credentials_validation = true
    skip_region_validation      = true
    skip_requesting_account_id  = true
    skip_s3_checksum            = true
  }
}
