variable "name_prefix" {
  type = string
}

variable "ovh_subsidiary" {
  description = "OVHcloud subsidiary the KMS is ordered under (FR, GB, DE ...)."
  type        = string
  default     = "FR"
}

variable "okms_region" {
  description = "Secret Manager region, e.g. eu-west-gra (near the clusters)."
  type        = string
}

variable "paths" {
  description = "The secret paths to write (known at plan time; the values are sensitive)."
  type        = set(string)
}

variable "values" {
  description = "Path => {property => value}: what the ExternalSecrets read (remoteRef key/property)."
  type        = map(map(string))
  sensitive   = true

  validation {
    condition     = alltrue([for p, v in var.values : length(v) > 0])
    error_message = "Every secret path needs at least one property."
  }
}

variable "reader_identity_urns" {
  description = "IAM identities the External Secrets credential acts as (a read-only service account, created by hand: docs/runbooks/first-apply.md)."
  type        = list(string)

  validation {
    condition     = length(var.reader_identity_urns) > 0 && alltrue([for u in var.reader_identity_urns : startswith(u, "urn:v1:")])
    error_message = "reader_identity_urns are IAM URNs (urn:v1:eu:identity:...)."
  }
}
