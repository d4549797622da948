"""Logs, metrics and traces (tracing itself reads the standard ``OTEL_*`` variables)."""

from config.env import choice, read
from config.settings.core import DEBUG, SERVICE

LOG_LEVEL = read("LOG_LEVEL", "str", "INFO").upper()
#: ``json`` (one object per line, with trace and request ids) or ``plain`` for a terminal.
LOG_FORMAT = choice("LOG_FORMAT", ("json", "plain"), "plain" if DEBUG else "json")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "common.observability.logs.ContextFilter", "service": SERVICE},
        "secrets": {"()": "common.observability.logs.SecretsFilter"},
        "refusals": {"()": "common.observability.logs.RefusalsFilter"},
    },
    "formatters": {
        "json": {"()": "common.observability.logs.PlatformJsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "secrets", "refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own console handler would print every record a second time.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

#: Workers (relay, consumers) serve /health, /ready and /metrics on this port; 0 = off.
METRICS_PORT = read("METRICS_PORT", "int", 0)
