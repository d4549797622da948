"""Load protection and controlled degradation at the gateway: concurrency limits shed
with 503 + Retry-After, oversized bodies get 413, the kill switch for all routes, and
shadow comparison switched off under stress."""

import pytest
from prometheus_client import REGISTRY

from gateway.limits import Saturated, concurrency_slot
from gateway.models import Route, ShadowMismatch
from gateway.services import gateway_flags_change, route_action

pytestmark = pytest.mark.django_db(databases="__all__")

OPS = "ops@example.com"


@pytest.fixture
def route():
    return Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip


def test_a_slot_limit_admits_that_many_then_refuses(route):
    with (
        concurrency_slot(route.id, 2),
        concurrency_slot(route.id, 2),
        pytest.raises(Saturated),
        concurrency_slot(route.id, 2),
    ):
        pass
    with concurrency_slot(route.id, 2):
        pass  # released again


def test_a_saturated_route_sheds_with_503_and_retry_after(client, gateway_env, route):
    route.max_concurrency = 1
    route.save()
    before = (
        REGISTRY.get_sample_value(
            "loadshed_rejections_total", {"service": "gateway", "route": "GET /api/spaces"}
        )
        or 0.0
    )
    with concurrency_slot(route.id, 1):  # a request already in flight
        shed = client.get("/api/spaces")
    assert shed.status_code == 503 and shed["Retry-After"] == "1"
    assert shed["Content-Type"] == "application/problem+json"
    after = REGISTRY.get_sample_value(
        "loadshed_rejections_total", {"service": "gateway", "route": "GET /api/spaces"}
    )
    assert after == before + 1
    assert client.get("/api/spaces").status_code == 200


def test_oversized_bodies_are_refused_before_anything_is_called(client, gateway_env, settings):
    settings.GATEWAY_MAX_BODY_BYTES = 100
    response = client.post("/api/ratings", {"remark": "x" * 200}, content_type="application/json")
    assert response.status_code == 413
    assert gateway_env.control()["requests"] == 0


def test_kill_all_returns_every_route_to_legacy(client, gateway_env, route):
    route_action(route_id=route.id, action="shadow", actor=OPS, reason="compare")
    route_action(route_id=route.id, action="promote", actor=OPS, reason="go")
    assert client.get("/api/spaces")["X-Served-By"] == "new"
    gateway_flags_change(kill_all=True, actor=OPS, reason="incident")
    assert client.get("/api/spaces")["X-Served-By"] == "legacy"
    gateway_flags_change(kill_all=False, actor=OPS, reason="resolved")
    assert client.get("/api/spaces")["X-Served-By"] == "new"


def test_shadow_comparison_switched_off_under_stress(client, gateway_env, route):
    route_action(route_id=route.id, action="shadow", actor=OPS, reason="compare")
    gateway_flags_change(degraded={"shadow_comparison": True}, actor=OPS, reason="peak load")
    assert client.get("/api/spaces")["X-Served-By"] == "legacy"
    assert not ShadowMismatch.objects.filter(route=route).exists()
    gateway_flags_change(degraded={"shadow_comparison": False}, actor=OPS, reason="calm")
    client.get("/api/spaces")
    assert ShadowMismatch.objects.filter(route=route).exists()
