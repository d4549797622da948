variable "service_name" {
  description = "OVHcloud Public Cloud project id."
  type        = string
}

variable "region" {
  description = "Object Storage region, e.g. GRA."
  type        = string
}

variable "buckets" {
  description = "Terraform state buckets to create."
  type        = set(string)

  validation {
    condition     = alltrue([for b in var.buckets : can(regex("^[a-z0-9][a-z0-9-]{2,62}$", b))])
    error_message = "Bucket names: 3-63 lowercase letters, digits and hyphens."
  }
}
