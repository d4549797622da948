"""Settings of the learning part (every value from the environment, via config.env.read)."""
