"""Running the shadow call after the client has its answer, and recording the result.

The new side is called from the response's close hook, which the WSGI server calls
once the body is sent, so the client pays no latency for the comparison. Only reads are
shadowed (the decision says so), so nothing is written twice. A mismatch is stored
with a sample diff and counted; a failing new side is a mismatch too. The shadow never
raises into the request cycle.
"""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, HttpResponse

from gateway import metrics, traffic
from gateway.models import ShadowMismatch
from gateway.shadow import difference
from gateway.sides import call_new, legacy_shape
from gateway.table import CompiledRoute

logger = logging.getLogger(__name__)


def schedule_shadow(
    request: HttpRequest, response: HttpResponse, route: CompiledRoute, params: dict
) -> None:
    legacy_status, legacy_content = response.status_code, response.content
    response._resource_closers.append(
        lambda: shadow_compare(request, route, params, legacy_status, legacy_content)
    )


def shadow_compare(
    request: HttpRequest, route: CompiledRoute, params: dict, legacy_status: int, content: bytes
) -> None:
    try:
        try:
            new_status, new_body, _ = call_new(request, route, params)
            new_legacy_shaped = legacy_shape(route, new_status, new_body)
        except Exception as exc:  # noqa: BLE001 - a failing new side is what shadowing finds
            new_status, new_legacy_shaped = 500, {"exception": type(exc).__name__}
        try:
            legacy_body = json.loads(content) if content else None
        except ValueError:
            legacy_body = content.decode(errors="replace")
        diff = difference(
            legacy=(legacy_status, legacy_body), new=(new_status, new_legacy_shaped),
            ignore=route.ignore_fields, ignore_order=route.ignore_order,
        )  # fmt: skip
        metrics.SHADOW_COMPARISONS.labels(route.key).inc()
        if diff is None:
            traffic.count(route.id, "shadow-match")
            return
        metrics.SHADOW_MISMATCHES.labels(route.key).inc()
        traffic.count(route.id, "shadow-mismatch")
        ShadowMismatch.objects.create(
            route_id=route.id, path=request.get_full_path()[:500], legacy_status=legacy_status,
            new_status=new_status, diff=diff,
        )  # fmt: skip
    except Exception:
        logger.exception("shadow comparison of %s failed", route.key)
