"""Rate limits per caller and per endpoint for every API view (a DRF throttle).

Counting is django-ratelimit's (fixed windows in the cache named by
``RATELIMIT_USE_CACHE``: Redis when ``REDIS_URL`` is set, so every process shares the
counts). The group is the endpoint's route name (``identity:login``), the key is the
caller: the verified principal's id, or the client's IP address before sign-in. The
rate is, in order: ``RATELIMIT_ROUTE_RATES`` from the environment, the view's own
``rate_limit``, ``RATELIMIT_DEFAULT_RATE``. Over the limit DRF raises ``Throttled``:
429 problem+json with ``Retry-After`` (seconds until the window resets).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import get_usage, user_or_ip
from rest_framework.throttling import BaseThrottle

from common.observability.metrics import RATELIMIT_REJECTIONS


def endpoint_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None and match.view_name else request.path


def rate_for(*, endpoint: str, view) -> str:
    return settings.RATELIMIT_ROUTE_RATES.get(endpoint) or getattr(
        view, "rate_limit", settings.RATELIMIT_DEFAULT_RATE
    )


class _Nobody:
    is_authenticated = False


def _caller(group: str, request) -> str:
    try:
        return user_or_ip(request)
    except (KeyError, ImproperlyConfigured):
        # No client address (a WSGI server that sets none): one shared bucket.
        return "unknown"


def over_limit(request, *, endpoint: str, view) -> tuple[bool, int]:
    """Count ``request`` in ``endpoint``'s window, as if ``view`` served it (for a page
    outside DRF that must share an API endpoint's limit, e.g. the admin's sign-in):
    whether it is over the limit, and the seconds until the window resets."""
    if not settings.RATELIMIT_ENABLE:
        return False, 0
    usage = get_usage(
        request, group=endpoint, key=_caller, rate=rate_for(endpoint=endpoint, view=view),
        increment=True,
    )  # fmt: skip
    limited = bool(usage and usage["should_limit"])
    if limited:
        RATELIMIT_REJECTIONS.labels(service=settings.SERVICE, endpoint=endpoint).inc()
    return limited, usage["time_left"] if usage else 0


class RateLimit(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        if not settings.RATELIMIT_ENABLE:
            return True
        endpoint = endpoint_of(request._request)
        # DRF's request.user is the principal its authenticators found (None where no
        # user model is installed and nobody signed in).
        request._request.user = request.user or _Nobody()
        usage = get_usage(
            request._request,
            group=endpoint,
            key=_caller,
            rate=rate_for(endpoint=endpoint, view=view),
            increment=True,
        )
        self._time_left = usage["time_left"] if usage else 0
        limited = bool(usage and usage["should_limit"])
        if limited:
            RATELIMIT_REJECTIONS.labels(service=settings.SERVICE, endpoint=endpoint).inc()
        return not limited

    def wait(self) -> float:
        return max(1, self._time_left)
