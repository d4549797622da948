service_name = "0123456789abcdef0123456789abcdef"
