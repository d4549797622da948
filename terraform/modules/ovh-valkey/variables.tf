variable "service_name" {
  description = "OVHcloud Public Cloud project id."
  type        = string
}

variable "name_prefix" {
  type = string
}

variable "region" {
  description = "Database region (GRA, SBG ...): the Database API's names, not the Kubernetes GRA9."
  type        = string

  validation {
    condition     = can(regex("^[A-Z]+$", var.region))
    error_message = "Database regions are GRA/SBG-style names, without the datacentre number."
  }
}

variable "plan" {
  description = "essential (1 node), business (2 nodes, replicated) or enterprise (3)."
  type        = string

  validation {
    condition     = contains(["essential", "business", "enterprise"], var.plan)
    error_message = "plan must be essential, business or enterprise."
  }
}

variable "flavor" {
  type = string
}

variable "valkey_version" {
  type    = string
  default = "8.0"
}

variable "network_id" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "allowed_cidrs" {
  type = list(string)

  validation {
    condition     = length(var.allowed_cidrs) > 0 && !contains(var.allowed_cidrs, "0.0.0.0/0")
    error_message = "Valkey accepts known networks only; 0.0.0.0/0 is not allowed."
  }
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "ca_path" {
  description = "Where the pods mount the CA bundle (DATABASE_SSLROOTCERT): redis-py and kombu read ssl_ca_certs from the URL."
  type        = string
}
