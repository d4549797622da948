"""Resilience for calls that leave the process: a circuit breaker and retry policy."""
