service_name = "0123456789abcdef0123456789abcdef"
# CI runners' and the operators' VPN egress (documentation ranges as placeholders).
operator_cidrs = ["203.0.113.0/24", "198.51.100.0/24"]
