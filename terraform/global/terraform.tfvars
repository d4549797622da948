service_name     = "0123456789abcdef0123456789abcdef"
registry_plan_id = "9f728ba5-998b-4401-ab0f-497cd8bc6a89"
# CI runners' egress and the three clusters' gateways (documentation ranges as placeholders).
ci_allowed_cidrs = ["203.0.113.0/24", "198.51.100.0/24"]
