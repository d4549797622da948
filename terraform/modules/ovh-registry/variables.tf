variable "service_name" {
  description = "OVHcloud Public Cloud project id."
  type        = string
}

variable "region" {
  type = string
}

variable "name" {
  type = string
}

variable "plan_id" {
  description = "Registry plan (S, M or L) id from the OVHcloud capabilities API."
  type        = string
}

variable "ci_user_email" {
  description = "Contact of the CI robot that pushes images."
  type        = string
}

variable "allowed_cidrs" {
  description = "Networks allowed to pull and push: CI runners and the clusters' egress."
  type        = list(string)
}

variable "keep_most_recent" {
  description = "Retention: images kept per repository by push date, whatever else."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_most_recent >= 10
    error_message = "Keep at least 10 images: a rollback needs the previous versions."
  }
}

variable "keep_pulled_within_days" {
  description = "Retention: images pulled within this many days are kept (they run somewhere)."
  type        = number
  default     = 90
}
