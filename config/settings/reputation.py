"""Settings of the reputation part (every value from the environment, via config.env.read)."""
