"""``/health`` (liveness) and ``/ready`` (readiness) endpoints, outside the versioned API."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.health import draining
from common.health.checks import readiness


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 while the process runs; it checks nothing else on purpose."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """200 when every critical dependency answers; 503 naming the ones that do not.

    While the server drains before a shutdown (``common.health.draining``) the answer
    is 503 with the reason ``draining`` and no dependency is checked: the load balancer
    takes the process out of rotation while it still serves everything else.
    """
    if draining.is_draining():
        response = JsonResponse(
            {
                "status": "unavailable",
                "reason": "draining",
                "detail": "This process is shutting down; it finishes the requests it has.",
            },
            status=503,
        )
        # Expected during every shutdown: the access log has it, Django must not log
        # each probe as a server error.
        response._has_been_logged = True
        return response
    code, body = readiness()
    response = JsonResponse(body, status=code)
    if code == 503:
        response["Retry-After"] = "5"
    return response
