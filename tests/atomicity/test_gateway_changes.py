"""A route or flags change and its audit entry are one ``default`` transaction (the
audit was written first, on its own connection, and stayed when the change failed)."""

import pytest

from gateway import services
from gateway.audit import GLOBAL_SUBJECT, audit_trail
from gateway.models import GatewayState, Route

pytestmark = pytest.mark.django_db(databases=["default"])


class Crash(Exception):
    """Stands for the process dying at this point (nothing after it runs)."""


def crash(*args, **kwargs):
    raise Crash


@pytest.fixture
def route():
    return Route.objects.create(
        method="GET", path_pattern="/api/spaces", legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces", translator="spaces.list",
    )  # fmt: skip


def version() -> int:
    return GatewayState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


@pytest.mark.parametrize(
    "between",
    [
        "gateway.services._bump_version",  # after the route row, before the version
        "gateway.services.audit_record",  # after route and version, at the audit
    ],
)
def test_a_route_change_interrupted_between_two_writes_leaves_none_of_them(
    route, monkeypatch, between
):
    before = version()
    monkeypatch.setattr(between, crash)
    with pytest.raises(Crash):
        services.route_action(route_id=route.id, action="shadow", actor="ops", reason="try")
    route.refresh_from_db()
    assert route.mode == "legacy"
    assert version() == before
    assert audit_trail(subject_id=route.id) == []


def test_a_flags_change_interrupted_at_its_audit_changes_no_flag(monkeypatch):
    GatewayState.objects.get_or_create(pk=1)
    before = version()
    # Tests that commit (a live server) may have left flags entries: none may be added.
    audited = audit_trail(subject_id=GLOBAL_SUBJECT)
    monkeypatch.setattr("gateway.services.audit_record", crash)
    with pytest.raises(Crash):
        services.gateway_flags_change(actor="ops", reason="drill", kill_all=True)
    state = GatewayState.objects.get(pk=1)
    assert (state.kill_all, state.version) == (False, before)
    assert audit_trail(subject_id=GLOBAL_SUBJECT) == audited


def test_a_route_change_and_its_audit_entry_commit_together(route):
    services.route_action(route_id=route.id, action="shadow", actor="ops", reason="compare")
    route.refresh_from_db()
    assert route.mode == "shadow"
    (entry,) = audit_trail(subject_id=route.id)
    assert (entry["action"], entry["after"]["mode"]) == ("shadow", "shadow")
