variable "service_name" {
  description = "OVHcloud Public Cloud project id."
  type        = string
}

variable "environment" {
  type = string
}

variable "region" {
  description = "Region of the database nodes (same as the cluster)."
  type        = string
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
  description = "Private network (OpenStack id) the nodes attach to."
  type        = string
}

variable "subnet_id" {
  type = string
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
  description = "Where OVHcloud keeps the daily backups; another region than the nodes survives a regional outage."
  type        = list(string)
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
