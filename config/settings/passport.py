"""Settings of the passport part (every value from the environment, via config.env.read)."""
