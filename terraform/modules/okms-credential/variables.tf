variable "namespaces" {
  description = "Namespaces with a SecretStore that authenticates with this credential."
  type        = set(string)
}

variable "create_namespaces" {
  description = "Those of var.namespaces nothing else has created by the time this runs."
  type        = set(string)
  default     = []

  validation {
    condition     = length(setsubtract(var.create_namespaces, var.namespaces)) == 0
    error_message = "create_namespaces must be a subset of namespaces."
  }
}

variable "secret_name" {
  description = "The Secret the SecretStores' auth.mtls certSecretRef/keySecretRef name."
  type        = string
}

variable "certificate" {
  type = string
}

variable "private_key" {
  type      = string
  sensitive = true
}
