# OVHcloud managed Kubernetes on the environment's own private network, with two
# autoscaled node pools: "system" for cluster add-ons and "applications" for the
# platform. The pool label is what the platform's Deployments select on.

locals {
  pools = {
    system       = var.system_pool
    applications = var.applications_pool
  }
}

resource "ovh_cloud_project_network_private" "this" {
  service_name = var.service_name
  name         = "${var.name}-network"
  regions      = [var.region]
  vlan_id      = var.vlan_id
}

resource "ovh_cloud_project_network_private_subnet" "this" {
  service_name = var.service_name
  network_id   = ovh_cloud_project_network_private.this.id
  region       = var.region
  network      = var.subnet_cidr
  # Leave the first and last addresses of the block to the gateway and broadcast.
  start      = cidrhost(var.subnet_cidr, 10)
  end        = cidrhost(var.subnet_cidr, -2)
  dhcp       = true
  no_gateway = false
}

resource "ovh_cloud_project_kube" "this" {
  service_name       = var.service_name
  name               = var.name
  region             = var.region
  version            = var.kubernetes_version
  plan               = var.plan
  update_policy      = "MINIMAL_DOWNTIME"
  private_network_id = ovh_cloud_project_network_private.this.regions_openstack_ids[var.region]
  nodes_subnet_id    = ovh_cloud_project_network_private_subnet.this.id

  private_network_configuration {
    # Nodes reach the internet through the public gateway, not the vRack.
    default_vrack_gateway              = ""
    private_network_routing_as_default = false
  }
}

resource "ovh_cloud_project_kube_iprestrictions" "this" {
  service_name = var.service_name
  kube_id      = ovh_cloud_project_kube.this.id
  ips          = var.api_allowed_cidrs
}

resource "ovh_cloud_project_kube_nodepool" "this" {
  for_each = local.pools

  service_name  = var.service_name
  kube_id       = ovh_cloud_project_kube.this.id
  name          = each.key
  flavor_name   = each.value.flavor
  autoscale     = true
  min_nodes     = each.value.min_nodes
  max_nodes     = each.value.max_nodes
  desired_nodes = each.value.min_nodes
  # Hourly billing: autoscaled nodes come and go.
  monthly_billed = false
  # Spread nodes over hypervisors (OVHcloud allows it up to 5 nodes per pool).
  anti_affinity = each.value.max_nodes <= 5

  template {
    metadata {
      annotations = {}
      finalizers  = []
      labels      = { "platform.example.org/pool" = each.key }
    }
    spec {
      unschedulable = false
      taints        = each.value.taints
    }
  }

  lifecycle {
    precondition {
      condition     = each.value.min_nodes >= 1 && each.value.min_nodes <= each.value.max_nodes
      error_message = "Node pool ${each.key}: need 1 <= min_nodes <= max_nodes."
    }
  }
}
