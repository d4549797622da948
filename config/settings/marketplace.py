"""Settings of the marketplace part (every value from the environment, via config.env.read)."""
