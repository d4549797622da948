"""``/health`` (liveness) and ``/ready`` (readiness) endpoints, outside the versioned API."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.health import draining
from common.health.checks import run_checks
from common.observability.metrics import DEPENDENCY_UP


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
        return JsonResponse(
            {
                "status": "unavailable",
                "reason": "draining",
                "detail": "This process is shutting down; it finishes the requests it has.",
            },
            status=503,
        )
    results = run_checks()
    for result in results:
        DEPENDENCY_UP.labels(
            service=settings.SERVICE, dependency=result.name, critical=str(result.critical).lower()
        ).set(1 if result.ok else 0)
    critical_down = [r.name for r in results if r.critical and not r.ok]
    degraded = [r.name for r in results if not r.critical and not r.ok]
    if critical_down:
        status, code = "unavailable", 503
    elif degraded:
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    body = {
        "status": status,
        "checks": {r.name: r.as_dict() for r in results},
    }
    if critical_down:
        body["unavailable"] = critical_down
    response = JsonResponse(body, status=code)
    if code == 503:
        response["Retry-After"] = "5"
    return response
