"""One endpoint's whole life: legacy → shadow (mismatches, then fixed) → canary 10 %
(sticky) → new → retired, with metrics and audit trail to match; and a canary whose
new side fails falling back to legacy by itself."""

from uuid import uuid4

import pytest
from django.conf import settings
from prometheus_client import REGISTRY

from domains.identity.services.tokens import access_token_issue
from domains.marketplace.models import Space
from gateway.audit import audit_trail
from gateway.decision import canary_bucket
from gateway.models import Route, ShadowMismatch
from gateway.services import route_action, route_change
from legacy_adapter.acl.values import uuid_for

pytestmark = pytest.mark.django_db(databases="__all__")

OPS = "ops@example.com"
KEY = "GET /api/spaces"


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def bearer(user_id: str) -> dict[str, str]:
    token = access_token_issue(
        subject=user_id, audience=settings.AUTH_AUDIENCE, kind="member", lifetime=600
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def backfill_spaces(legacy_items: list[dict]) -> None:
    """What the spaces backfill does: legacy spaces under their ACL-derived ids."""
    for s in legacy_items:
        Space.objects.create(
            id=uuid_for("space", s["space_no"]), owner_id=uuid_for("user", s["owner_no"]),
            name=s["title"], description=s["descr"], is_online=s["online"] == "Y",
            location=s["address"], capacity=s["seats"], status="listed",
        )  # fmt: skip


def test_an_endpoint_from_legacy_to_retired(client, gateway_env):
    route = Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip
    new_before = sample("gateway_requests_total", route=KEY, target="new", outcome="ok")

    # Legacy: served by the legacy system.
    legacy_answer = client.get("/api/spaces")
    assert legacy_answer["X-Served-By"] == "legacy"
    legacy_items = legacy_answer.json()["items"]

    # Shadow: legacy still answers; the new side (no data yet) differs and it is recorded.
    route_action(route_id=route.id, action="shadow", actor=OPS, reason="compare answers")
    mismatches_before = sample("gateway_shadow_mismatches_total", route=KEY)
    assert client.get("/api/spaces")["X-Served-By"] == "legacy"
    assert ShadowMismatch.objects.filter(route=route).count() == 1
    assert sample("gateway_shadow_mismatches_total", route=KEY) == mismatches_before + 1

    # Fixed: the data is backfilled and the fields legacy alone has are ignored.
    backfill_spaces(legacy_items)
    route_change(
        route_id=route.id, changes={"ignore_fields": ["changed"], "ignore_order": True},
        actor=OPS, reason="legacy-only change stamps; order is not in the contract",
    )  # fmt: skip
    compared_before = sample("gateway_shadow_comparisons_total", route=KEY)
    assert client.get("/api/spaces").status_code == 200
    assert sample("gateway_shadow_comparisons_total", route=KEY) == compared_before + 1
    assert ShadowMismatch.objects.filter(route=route).count() == 1  # no new mismatch

    # Canary 10 %: a sticky share of members goes to new code.
    route_action(route_id=route.id, action="canary", percent=10, actor=OPS, reason="first tenth")
    members = [str(uuid4()) for _ in range(60)]
    expected = {m for m in members if canary_bucket(KEY, m) < 1000}
    served = {m: client.get("/api/spaces", **bearer(m))["X-Served-By"] for m in members}
    assert {m for m, side in served.items() if side == "new"} == expected
    assert 0 < len(expected) < 20
    again = {m: client.get("/api/spaces", **bearer(m))["X-Served-By"] for m in sorted(expected)}
    assert set(again.values()) == {"new"}  # sticky
    route_action(route_id=route.id, action="canary", percent=25, actor=OPS, reason="widen")
    assert {client.get("/api/spaces", **bearer(m))["X-Served-By"] for m in expected} == {"new"}
    assert client.get("/api/spaces")["X-Served-By"] == "legacy"  # anonymous

    # New: everyone, in the legacy contract's shape.
    route_action(route_id=route.id, action="promote", actor=OPS, reason="no mismatches")
    gateway_env.control(fail_status=500)  # legacy is no longer asked
    promoted = client.get("/api/spaces")
    assert promoted["X-Served-By"] == "new"
    assert sorted(i["space_no"] for i in promoted.json()["items"]) == [1, 2, 3]

    # Retired.
    route_action(route_id=route.id, action="retire", actor=OPS, reason="clients moved to v1")
    assert client.get("/api/spaces").status_code == 410

    served_new = sample("gateway_requests_total", route=KEY, target="new", outcome="ok")
    assert served_new - new_before == len(expected) * 3 + 1
    trail = audit_trail(subject_id=route.id)
    assert [c["action"] for c in trail] == [
        "shadow", "set", "canary 10%", "canary 25%", "promote", "retire"
    ]  # fmt: skip
    assert [c["after"]["mode"] for c in trail] == [
        "shadow", "shadow", "canary", "canary", "new", "retired"
    ]  # fmt: skip
    assert all(c["actor"] == OPS and c["reason"] and c["at"] for c in trail)


def test_a_failing_new_side_in_canary_falls_back_to_legacy_by_itself(client, gateway_env, settings):
    settings.GATEWAY_NEW_BREAKER_MINIMUM_CALLS = 4
    route = Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/no-such-handler", translator="spaces.list",
        cohort_header="X-Canary: yes",
    )  # fmt: skip
    route_action(route_id=route.id, action="canary", percent=1, actor=OPS, reason="testers only")
    errors_before = sample("gateway_legacy_fallback_total", route=KEY, reason="new_error")
    open_before = sample("gateway_legacy_fallback_total", route=KEY, reason="breaker_open")

    answers = [client.get("/api/spaces", HTTP_X_CANARY="yes") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6
    assert {a["X-Served-By"] for a in answers} == {"legacy"}
    assert all(a.json()["items"][0]["space_no"] == 1 for a in answers)
    # Four failures open the new side's breaker; after that new code is not even tried.
    assert (
        sample("gateway_legacy_fallback_total", route=KEY, reason="new_error") - errors_before == 4
    )
    assert (
        sample("gateway_legacy_fallback_total", route=KEY, reason="breaker_open") - open_before == 2
    )
