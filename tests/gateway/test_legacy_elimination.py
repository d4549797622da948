"""Legacy elimination, measured (seed plan task 8.4): legacy calls per endpoint and
caller, the "ready to delete" gate per capability, ``legacy_retire`` removing the
route, the port's legacy side and the sync in one audited change, and a check that a
retired capability has no code path to legacy left — against the real legacy process."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gateway.audit import audit_trail
from gateway.legacy_elimination import audit_subject, legacy_paths, readiness
from gateway.models import Route
from gateway.services import ChangeRefused, route_change
from legacy_adapter import usage
from legacy_adapter.capabilities import CAPABILITIES
from legacy_adapter.models import LegacyCall, RetiredCapability, SyncState
from legacy_adapter.ports.choice import forget_retired
from legacy_adapter.ports.ratings import NewRatings, rating_port
from legacy_adapter.ports.spaces import LegacySpaceCatalogue
from legacy_adapter.sync.sinks import NoSink, sink_for
from legacy_adapter.usage import calling

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def no_earlier_counts():
    usage.flush()  # counts other tests of this process left in memory
    LegacyCall.objects.all().delete()
    forget_retired()
    yield
    forget_retired()  # the retirements of a test are rolled back with its database


def test_legacy_calls_are_counted_per_endpoint_and_caller(client, gateway_env):
    assert client.get("/api/users/1").status_code == 200  # through the gateway
    LegacySpaceCatalogue().space_list()  # a port's legacy side
    with calling("sync:spaces"):
        LegacySpaceCatalogue().client.request("GET", "/api/spaces/2")  # attributed inside
    out = StringIO()
    call_command("legacy_usage", stdout=out)
    rows = {(r.endpoint, r.caller): r for r in usage.usage_report()}
    assert rows[("GET /api/users/{n}", "gateway")].calls == {1: 1, 7: 1, 30: 1}
    assert rows[("GET /api/spaces", "port:spaces")].capability == "spaces"
    assert ("GET /api/spaces/{n}", "port:spaces") in rows  # the port's own attribution wins
    report = out.getvalue()
    assert "GET /api/users/{n}" in report and "gateway" in report
    assert "spaces      not ready:" in report


def _make_ready(name: str, settings) -> None:
    capability = CAPABILITIES[name]
    long_ago = timezone.now() - timedelta(days=settings.LEGACY_RETIRE_AFTER_DAYS + 1)
    for key in capability.routes:
        method, pattern = key.split(" ", 1)
        Route.objects.create(method=method, path_pattern=pattern, legacy_target=pattern,
                             mode="new", new_target="/api/v1/reputation/ratings")  # fmt: skip
    Route.objects.filter(path_pattern__in=[k.split(" ", 1)[1] for k in capability.routes]).update(
        updated_at=long_ago
    )
    settings.LEGACY_PORTS = {**settings.LEGACY_PORTS, capability.port: "new"}
    for resource in capability.resources:
        SyncState.objects.update_or_create(
            resource=resource, defaults={"last_reconcile": {"at": "x", "differences": 0}}
        )


def test_the_gate_says_what_blocks_and_retire_refuses_until_it_opens(gateway_env, settings):
    gate = readiness("ratings")
    assert not gate.ready and any("no clean reconciliation" in r for r in gate.reasons)
    with pytest.raises(CommandError, match="not ready to delete"):
        call_command("legacy_retire", "ratings", "--reason", "too early")
    _make_ready("ratings", settings)
    LegacyCall.objects.create(day=timezone.now().date(), caller="gateway",
                              endpoint="GET /api/ratings", count=3)  # fmt: skip
    blocked = readiness("ratings")
    assert blocked.reasons == ["3 legacy call(s) in the last 30 days (gateway)"]
    LegacyCall.objects.all().delete()
    assert readiness("ratings").ready


def test_retire_removes_every_path_to_legacy_in_one_audited_change(client, gateway_env, settings):
    _make_ready("ratings", settings)
    call_command("legacy_retire", "ratings", "--reason", "no caller for 30 days",
                 "--actor", "ops:ana", stdout=StringIO())  # fmt: skip
    settings.LEGACY_PORTS = {**settings.LEGACY_PORTS, "ratings": "legacy"}  # a stale setting

    # The route: 410, legacy is not asked.
    before = gateway_env.control()["requests"]
    assert client.get("/api/ratings").status_code == 410
    assert gateway_env.control()["requests"] == before
    # The port runs on the new side whatever LEGACY_PORTS says; the sync is gone.
    assert isinstance(rating_port(), NewRatings)
    with pytest.raises(NoSink, match="retired"):
        sink_for("ratings")
    # One audited change: who and why, on the capability's history and the route's.
    (entry,) = audit_trail(subject_id=audit_subject("ratings"))
    assert (entry["actor"], entry["reason"]) == ("ops:ana", "no caller for 30 days")
    route = Route.objects.get(path_pattern="/api/ratings")
    assert audit_trail(subject_id=route.id)[-1]["after"]["mode"] == "retired"
    # And the route cannot be sent back to legacy.
    with pytest.raises(ChangeRefused, match="retired capability"):
        route_change(route_id=route.id, changes={"mode": "new"}, actor="ops", reason="oops")


def test_no_retired_capability_has_a_code_path_to_legacy(gateway_env, settings):
    """The invariant, for every retired capability (this test retires one first)."""
    _make_ready("ratings", settings)
    call_command("legacy_retire", "ratings", "--reason", "done", stdout=StringIO())
    for retired in RetiredCapability.objects.all():
        assert legacy_paths(retired.name) == [], retired.name
    # What the check catches: a route of the capability put back behind the services' back.
    Route.objects.filter(path_pattern="/api/ratings").update(mode="legacy")
    assert legacy_paths("ratings") == ["route GET /api/ratings (legacy)"]


def _crash_at_capability_audit(monkeypatch):
    """The capability's audit entry fails: its routes are retired and its row written."""
    from gateway import services

    real = services.audit_record

    def audit_record(**kwargs):
        if kwargs["subject_id"] == audit_subject("ratings"):
            raise Crash
        real(**kwargs)

    monkeypatch.setattr(services, "audit_record", audit_record)


def _crash_at_capability_row(monkeypatch):
    """The ``RetiredCapability`` row fails: the routes are retired (and audited) by then."""
    monkeypatch.setattr(RetiredCapability.objects, "create", crash)


@pytest.mark.parametrize("fault", [_crash_at_capability_audit, _crash_at_capability_row])
def test_a_retirement_interrupted_midway_retires_nothing(gateway_env, settings, monkeypatch, fault):
    """``legacy_retire``: the routes, the capability's row and every audit entry, or none."""
    _make_ready("ratings", settings)
    routes = list(Route.objects.filter(mode="new"))
    assert routes
    fault(monkeypatch)
    with pytest.raises(Crash):
        call_command("legacy_retire", "ratings", "--reason", "drill")
    assert not RetiredCapability.objects.filter(name="ratings").exists()
    assert {route.mode for route in Route.objects.filter(pk__in=[r.pk for r in routes])} == {"new"}
    assert audit_trail(subject_id=audit_subject("ratings")) == []
    assert all(audit_trail(subject_id=route.id) == [] for route in routes)
    forget_retired()
    assert legacy_paths("ratings")  # its legacy side is still there, as before
    monkeypatch.undo()
    call_command("legacy_retire", "ratings", "--reason", "again", stdout=StringIO())
    assert legacy_paths("ratings") == []  # and the retirement can simply be run again


class Crash(Exception):
    """Stands for the process dying at this point."""


def crash(*args, **kwargs):
    raise Crash
