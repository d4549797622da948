"""Settings of the governance part (every value from the environment, via config.env.read)."""
