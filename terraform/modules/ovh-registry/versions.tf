terraform {
  required_version = ">= 1.13"
  required_providers {
    ovh = {
      source  = "ovh/ovh"
      version = "~> 2.9"
    }
    # OVHcloud's Managed Private Registry is Harbor: retention is set through Harbor's API.
    harbor = {
      source  = "goharbor/harbor"
      version = "~> 3.10"
    }
  }
}
