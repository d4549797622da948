"""OpenTelemetry tracing, configured once per process from the standard ``OTEL_*`` variables.

Off unless an OTLP endpoint is configured (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) and ``OTEL_SDK_DISABLED`` is not true, so the
embedded run exports nothing. When on: Django requests, psycopg queries, Redis calls,
Celery tasks and outgoing urllib3 HTTP are instrumented, and spans leave over OTLP/HTTP
in batches to the Collector.

The exporter speaks OTLP/HTTP (``http/protobuf``), whose port is 4318; 4317 is OTLP/gRPC's.
Pointed at the gRPC port, or told ``OTEL_EXPORTER_OTLP_PROTOCOL=grpc``, it would send every
span where nothing understands it and no error would ever show, so such a configuration
is refused at start with a message naming the variable (:func:`check_otlp_configuration`).

``inject_traceparent`` / ``extract_context`` carry the W3C trace context through the
event envelope, so a trace follows a request through the outbox, the bus and the
consumer.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from opentelemetry import propagate, trace

_configured = threading.Lock()
_done = False

tracer = trace.get_tracer("platform")


def tracing_enabled() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


#: The only protocol the installed exporter speaks, and the ports of both OTLP transports.
OTLP_PROTOCOL = "http/protobuf"
OTLP_HTTP_PORT, OTLP_GRPC_PORT = 4318, 4317


def check_otlp_configuration(environ=os.environ) -> None:
    """Refuse an OTLP configuration this process's exporter would silently lose spans to."""
    for name in ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"):
        protocol = environ.get(name, "").strip()
        if protocol and protocol != OTLP_PROTOCOL:
            raise ImproperlyConfigured(
                f"{name}={protocol!r}: the platform exports traces over OTLP/HTTP only; "
                f"set it to {OTLP_PROTOCOL!r} (the Collector's port {OTLP_HTTP_PORT}) or unset it."
            )
    for name in ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        endpoint = environ.get(name, "").strip()
        if not endpoint:
            continue
        try:
            port = urlsplit(endpoint).port
        except ValueError:
            port = None
        if urlsplit(endpoint).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"{name}={endpoint!r} is not an http(s) URL.")
        if port == OTLP_GRPC_PORT:
            raise ImproperlyConfigured(
                f"{name}={endpoint!r} names port {OTLP_GRPC_PORT}, OTLP/gRPC's; the platform "
                f"exports OTLP/HTTP, which the Collector receives on port {OTLP_HTTP_PORT}."
            )


def configure_tracing(service: str) -> bool:
    """Install the tracer provider and instrumentations once; True when tracing is on."""
    global _done
    with _configured:
        if _done or not tracing_enabled():
            return _done
        check_otlp_configuration()
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.celery import CeleryInstrumentor
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
        from opentelemetry.instrumentation.redis import RedisInstrumentor
        from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        attributes = {"service.name": os.environ.get("OTEL_SERVICE_NAME", f"platform-{service}")}
        provider = TracerProvider(resource=Resource.create(attributes))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        DjangoInstrumentor().instrument()
        PsycopgInstrumentor().instrument(enable_commenter=False)
        RedisInstrumentor().instrument()
        CeleryInstrumentor().instrument()
        URLLib3Instrumentor().instrument()
        _done = True
        return True


def shutdown_tracing() -> None:
    """Flush spans still in the batch processor (workers call this on SIGTERM)."""
    provider = trace.get_tracer_provider()
    if hasattr(provider, "shutdown"):
        provider.shutdown()


def inject_traceparent() -> str | None:
    """The current span's W3C ``traceparent``, or None outside any recorded span."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def extract_context(traceparent: str | None):
    """An OpenTelemetry context whose parent is the span ``traceparent`` names."""
    return propagate.extract({"traceparent": traceparent} if traceparent else {})
