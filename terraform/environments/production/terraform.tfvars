# Non-secret settings of the production environment. The project id is an identifier, not a
# credential; API keys come from OVH_* environment variables.
service_name       = "0123456789abcdef0123456789abcdef"
environment        = "production"
region             = "GRA9"
kubernetes_version = "1.31"
vlan_id            = 30
# Same block as deploy/k8s/overlays/production/patches/network.yaml.
subnet_cidr = "10.30.0.0/16"
# CI runners' and the operators' VPN egress (documentation ranges as placeholders).
api_allowed_cidrs = ["203.0.113.0/24", "198.51.100.0/24"]

system_pool = {
  flavor    = "b3-8"
  min_nodes = 3
  max_nodes = 3
  taints    = [{ key = "platform.example.org/pool", value = "system", effect = "PreferNoSchedule" }]
}

applications_pool = {
  flavor    = "b3-32"
  min_nodes = 3
  max_nodes = 10
}

database_plan           = "business"
database_flavor         = "db1-15"
database_disk_size_gb   = 320
database_backup_regions = ["SBG"]
