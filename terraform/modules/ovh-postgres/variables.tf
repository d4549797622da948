variable "service_name" {
  description = "OVHcloud Public Cloud project id."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the clusters' descriptions, e.g. platform-dev."
  type        = string
}

variable "region" {
  description = "Region of the database nodes, as the Database API names it: GRA, SBG, BHS, DE, UK, WAW (the Kubernetes region GRA9 is in GRA)."
  type        = string

  validation {
    condition     = can(regex("^[A-Z]+$", var.region))
    error_message = "Database regions are GRA/SBG-style names, without the datacentre number (GRA, not GRA9)."
  }
}

variable "databases" {
  description = "One managed PostgreSQL per service: the platform's database aliases."
  type        = set(string)
}

variable "plan" {
  description = "OVHcloud service plan: essential (1 node), business (2), enterprise (3)."
  type        = string

  validation {
    condition     = contains(["essential", "business", "enterprise"], var.plan)
    error_message = "plan must be essential, business or enterprise."
  }
}

variable "flavor" {
  description = "Node flavor, e.g. db1-4."
  type        = string
}

variable "postgresql_version" {
  type    = string
  default = "16"
}

variable "disk_size_gb" {
  type = number
}

variable "network_id" {
  description = "Private network (OpenStack id) the nodes attach to; null for a public endpoint restricted by allowed_cidrs."
  type        = string
  default     = null
}

variable "subnet_id" {
  type    = string
  default = null
}

variable "allowed_cidrs" {
  description = "Networks allowed to connect: the cluster's private subnet."
  type        = list(string)

  validation {
    condition     = length(var.allowed_cidrs) > 0 && !contains(var.allowed_cidrs, "0.0.0.0/0")
    error_message = "Databases accept known networks only; 0.0.0.0/0 is not allowed."
  }
}

variable "backup_regions" {
  description = "Where OVHcloud pushes the daily backups. The API takes at most two regions, one of them the nodes' region: [region, another] survives a regional outage."
  type        = list(string)

  validation {
    condition     = length(var.backup_regions) <= 2 && length(distinct(var.backup_regions)) == length(var.backup_regions) && contains(var.backup_regions, var.region)
    error_message = "backup_regions takes one or two distinct regions, one of them the nodes' region (Database API)."
  }
}

variable "backup_time" {
  description = "Daily backup start, UTC (HH:MM:SS)."
  type        = string
  default     = "02:00:00"
}

variable "deletion_protection" {
  type    = bool
  default = true
}
