"""Events the passport domain publishes: verifiable credentials issued and revoked."""
