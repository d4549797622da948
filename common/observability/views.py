"""``GET /metrics``: Prometheus exposition of this process."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.observability.metrics import render


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    body, content_type = render()
    return HttpResponse(body, content_type=content_type)
