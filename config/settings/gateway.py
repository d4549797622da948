"""Settings of the gateway part (every value from the environment, via config.env.read)."""
