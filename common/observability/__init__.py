"""Observability set up once per process: OpenTelemetry traces, Prometheus metrics,
JSON logs carrying trace and request ids. No domain knowledge."""
