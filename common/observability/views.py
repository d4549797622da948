"""``GET /metrics``: Prometheus exposition of this process.

The Ingress sends every path it does not name to the gateway, so ``/metrics`` is
reachable from outside. With ``METRICS_TOKEN`` set it answers only a scrape carrying
``Authorization: Bearer <METRICS_TOKEN>`` (Prometheus: ``bearerTokenSecret`` on the
ServiceMonitor endpoint, or ``authorization.credentials`` in a scrape config), and
404 to anyone else: nothing tells a prober the endpoint exists.
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.api.problems import problem_response
from common.observability.metrics import render


def _scraper(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    if not expected:
        return True
    given = request.headers.get("Authorization", "")
    return given[:7].lower() == "bearer " and hmac.compare_digest(
        given[7:].encode(), expected.encode()
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _scraper(request):
        return problem_response(request, 404, "No resource at this address.")
    body, content_type = render()
    return HttpResponse(body, content_type=content_type)
