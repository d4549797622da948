"""Liveness and readiness: ``/health`` says the process runs, ``/ready`` that it can serve."""
