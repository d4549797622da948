output "secret_name" {
  value = var.secret_name
}

output "namespaces" {
  value = sort(tolist(var.namespaces))
}
