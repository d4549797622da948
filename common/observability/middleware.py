"""Per-request observability: request id and request for the logs, and HTTP metrics.

The route label is the URL pattern (``api/v1/learning/activities/<uuid:activity_id>``),
never the raw path, so the number of time series stays bounded.
"""

from __future__ import annotations

import re
import time
import uuid

from django.conf import settings

from common.observability.logs import request_id_var, request_var
from common.observability.metrics import HTTP_DURATION, HTTP_REQUESTS

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


class RequestContextMiddleware:
    """Keeps an incoming ``X-Request-ID`` (or makes one) and echoes it in the response."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = (request_id_var.set(request_id), request_var.set(request))
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(tokens[0])
            request_var.reset(tokens[1])
        response["X-Request-ID"] = request_id
        return response


class MetricsMiddleware:
    """Counts and times every request by route pattern, method and status."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unmatched"
        labels = {"service": settings.SERVICE, "route": route, "method": request.method}
        HTTP_DURATION.labels(**labels).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(**labels, status=str(response.status_code)).inc()
        return response
