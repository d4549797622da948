# Non-secret settings of the staging environment. The project id is an identifier, not a
# credential; API keys come from OVH_* environment variables.
service_name = "0123456789abcdef0123456789abcdef"
environment  = "staging"
region       = "GRA9"
# The MKS control plane: standard (SLA, dedicated etcd) where an outage costs users.
kubernetes_plan    = "free"
kubernetes_version = "1.31"
vlan_id            = 20
# Same block as deploy/k8s/overlays/staging/patches/network.yaml.
subnet_cidr = "10.20.0.0/16"
# CI runners' and the operators' VPN egress (documentation ranges as placeholders).
api_allowed_cidrs = ["203.0.113.0/24", "198.51.100.0/24"]

system_pool = {
  flavor    = "b3-8"
  min_nodes = 2
  max_nodes = 3
  taints    = [{ key = "platform.example.org/pool", value = "system", effect = "PreferNoSchedule" }]
}

applications_pool = {
  flavor    = "b3-16"
  min_nodes = 2
  max_nodes = 5
}

database_plan         = "business"
database_flavor       = "db1-7"
database_disk_size_gb = 160
# The Database API names regions GRA/SBG (no datacentre number), and takes at most two
# backup regions, one of them the nodes' own.
database_region         = "GRA"
database_backup_regions = ["GRA", "SBG"]

valkey_plan   = "essential"
valkey_flavor = "db1-4"

# OVHcloud Secret Manager of this environment, and the read-only IAM service account the
# External Secrets Operator reads it as (created by hand, docs/runbooks/first-apply.md).
okms_region                 = "eu-west-rbx"
secret_reader_identity_urns = ["urn:v1:eu:identity:credential:xx1111-ovh/oauth2-platform-staging-eso"]
