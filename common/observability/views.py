"""``GET /metrics``: Prometheus exposition of this process.

The Ingress sends every path it does not name to the gateway, so ``/metrics`` is
reachable from outside. It answers only a scrape carrying ``Authorization: Bearer
<METRICS_TOKEN>`` (Prometheus: ``authorization`` on the ServiceMonitor endpoint, or
``authorization.credentials_file`` in a scrape config), and 404 to anyone else:
nothing tells a prober the endpoint exists.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.api.problems import problem_response
from common.observability.access import scraper_allowed
from common.observability.metrics import render


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not scraper_allowed(request.headers.get("Authorization")):
        return problem_response(request, 404, "No resource at this address.")
    body, content_type = render()
    return HttpResponse(body, content_type=content_type)
