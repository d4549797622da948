"""The domains' own sinks (``domains/<name>/sync_sink.py``), wired by the default
``LEGACY_SYNC_SINKS``, against a real reference legacy process (a fresh one per test:
tests change its data) and the real domain databases and event stores.

For every resource: a second backfill changes nothing, an interrupted backfill resumes,
a change made in legacy is picked up by ``changes`` and a tampered or missing copy shows
in ``reconcile``. Then the refusals: an e-mail of another member, an overlapping booking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from domains.governance.application import GovernanceApplication
from domains.governance.models import Proposal as GovernanceProposal
from domains.governance.models import RegisterEntry, Vote
from domains.governance.register import register_verify
from domains.identity.models import User
from domains.marketplace.models import Booking, Space
from domains.reputation.models import Rating
from eventing.eventstore import get_application
from legacy_adapter.acl.values import uuid_for
from legacy_adapter.models import SyncState
from legacy_adapter.sync.runs import backfill, reconcile, sync_changes
from legacy_adapter.sync.sinks import sink_for
from legacy_adapter.tasks import sync_all_changes
from legacy_adapter.wiring import legacy_client, reset_legacy_client
from tests.eventstore.fixtures import empty, ledger_app

__all__ = ["ledger_app"]

pytestmark = pytest.mark.django_db(databases="__all__")


@dataclass
class Case:
    """How one resource is checked: what legacy holds, a change made there and what the
    copy says after it, a copy tampered with on the new side."""

    kind: str
    numbers: tuple[int, ...]
    change_sql: str
    changed: tuple[str, object]
    tamper: Callable[[str], None]
    delete: Callable[[str], None]
    tampered_field: str
    changed_number: int = 1
    before: tuple[str, ...] = ()
    extra_sql: tuple[str, ...] = field(default=())


CASES = {
    "users": Case(
        kind="user",
        numbers=(1, 2, 3, 4, 5),
        change_sql="UPDATE users SET full_name = 'Ada King', changed = '01.12.2026 10:00' "
        "WHERE user_no = 1",
        changed=("display_name", "Ada King"),
        tamper=lambda pk: User.objects.filter(pk=pk).update(bio="edited on the new side"),
        delete=lambda pk: User.objects.filter(pk=pk).delete(),
        tampered_field="bio",
    ),
    "spaces": Case(
        kind="space",
        numbers=(1, 2, 3),
        change_sql="UPDATE spaces SET seats = 20, changed = '01.12.2026 10:00' WHERE space_no = 1",
        changed=("capacity", 20),
        tamper=lambda pk: Space.objects.filter(pk=pk).update(name="Renamed"),
        delete=lambda pk: Space.objects.filter(pk=pk).delete(),
        tampered_field="name",
    ),
    "bookings": Case(
        kind="booking",
        numbers=(1, 2),
        before=("spaces",),
        extra_sql=(
            "INSERT INTO bookings VALUES (2, 1, 3, '06.02.2026 10:00', '06.02.2026 12:00', "
            "'05.01.2026 10:00')",
        ),
        change_sql="UPDATE bookings SET ends = '04.02.2026 13:00', changed = '01.12.2026 10:00' "
        "WHERE booking_no = 1",
        changed=("ends_at", "2026-02-04T12:00:00+00:00"),
        tamper=lambda pk: Booking.objects.filter(pk=pk).update(member_id=uuid_for("user", 5)),
        delete=lambda pk: Booking.objects.filter(pk=pk).delete(),
        tampered_field="member_id",
    ),
    "ratings": Case(
        kind="rating",
        numbers=(1, 2, 3),
        change_sql="UPDATE ratings SET stars = 3, remark = 'Late', changed = '01.12.2026 10:00' "
        "WHERE rating_no = 1",
        changed=("score", 2),
        tamper=lambda pk: Rating.objects.filter(pk=pk).update(comment="edited on the new side"),
        delete=lambda pk: Rating.objects.filter(pk=pk).delete(),
        tampered_field="comment",
    ),
    "proposals": Case(
        kind="proposal",
        numbers=(1, 2),
        extra_sql=(
            "INSERT INTO proposals VALUES (2, 3, 'Buy a kiln', 'For ceramics.', 'DRAFT', "
            "'01.03.2027 18:00', '05.01.2026 10:00')",
        ),
        change_sql="UPDATE proposals SET status = 'OPEN', changed = '01.12.2026 10:00' "
        "WHERE proposal_no = 2",
        changed_number=2,
        changed=("status", "voting"),
        tamper=lambda pk: GovernanceProposal.objects.filter(pk=pk).update(title="Renamed"),
        delete=lambda pk: GovernanceProposal.objects.filter(pk=pk).delete(),
        tampered_field="title",
    ),
    "votes": Case(
        kind="vote",
        numbers=(1, 2),
        before=("proposals",),
        extra_sql=("INSERT INTO votes VALUES (2, 1, 3, 'NO', '05.01.2026 10:00')",),
        change_sql="UPDATE votes SET choice = 'NO', changed = '01.12.2026 10:00' WHERE vote_no = 1",
        changed=("choice", "no"),
        tamper=lambda pk: Vote.objects.filter(imported_id=pk).update(choice="abstain"),
        delete=lambda pk: Vote.objects.filter(imported_id=pk).delete(),
        tampered_field="choice",
    ),
}


@pytest.fixture
def governance_app():
    app = get_application(GovernanceApplication)
    empty(app)
    yield app
    empty(app)


@pytest.fixture
def legacy(own_legacy):
    """These tests change legacy's data: a service of their own, not the module's."""
    return own_legacy


@pytest.fixture
def synced(legacy, settings, ledger_app, governance_app):
    settings.LEGACY_BASE_URL = legacy.base_url
    reset_legacy_client()
    yield legacy
    reset_legacy_client()


def run(resource: str, **kwargs):
    return backfill(resource=resource, client=legacy_client(), sink=sink_for(resource), **kwargs)


def copies(resource: str, case: Case) -> dict[str, dict]:
    return sink_for(resource).get_many([str(uuid_for(case.kind, n)) for n in case.numbers])


def prepared(legacy, resource: str) -> Case:
    case = CASES[resource]
    for sql in case.extra_sql:
        legacy.change(sql)
    for earlier in case.before:
        run(earlier)
    return case


def test_the_default_sinks_are_the_domains_own():
    assert settings.LEGACY_SYNC_SINKS == {
        "users": "domains.identity.sync_sink.UserSink",
        "activity": "domains.learning.sync_sink.LegacyActivitySink",
        "spaces": "domains.marketplace.sync_sink.SpaceSink",
        "bookings": "domains.marketplace.sync_sink.BookingSink",
        "proposals": "domains.governance.sync_sink.ProposalSink",
        "votes": "domains.governance.sync_sink.VoteSink",
        "ratings": "domains.reputation.sync_sink.RatingSink",
    }


@pytest.mark.parametrize("resource", CASES)
def test_backfill_twice_gives_the_same_data(synced, resource):
    case = prepared(synced, resource)
    first = run(resource)
    copy = copies(resource, case)
    assert (first.read, first.created, first.skipped) == (len(case.numbers), len(case.numbers), 0)
    assert set(copy) == {str(uuid_for(case.kind, n)) for n in case.numbers}
    again = run(resource, restart=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(case.numbers))
    assert copies(resource, case) == copy


@pytest.mark.parametrize("resource", CASES)
def test_an_interrupted_backfill_resumes(synced, resource):
    case = prepared(synced, resource)
    interrupted = run(resource, page_size=1, stop_after_pages=1)
    assert interrupted.read == 1 and len(copies(resource, case)) == 1
    resumed = run(resource, page_size=1)
    assert resumed.resumed_from == case.numbers[0]
    assert (resumed.read, resumed.created) == (len(case.numbers) - 1, len(case.numbers) - 1)
    assert len(copies(resource, case)) == len(case.numbers)
    assert SyncState.objects.get(resource=resource).backfill_done


@pytest.mark.parametrize("resource", CASES)
def test_a_change_in_legacy_is_picked_up_by_changes(synced, resource):
    case = prepared(synced, resource)
    client, sink = legacy_client(), sink_for(resource)
    assert sync_changes(resource=resource, client=client, sink=sink).created == len(case.numbers)
    synced.change(case.change_sql)
    later = sync_changes(resource=resource, client=client, sink=sink)
    assert (later.read, later.updated, later.watermark) == (1, 1, "2026-12-01 10:00")
    name, value = case.changed
    assert copies(resource, case)[str(uuid_for(case.kind, case.changed_number))][name] == value
    assert reconcile(resource=resource, client=client, sink=sink) == []


@pytest.mark.parametrize("resource", CASES)
def test_reconcile_shows_tampered_and_missing_copies(synced, resource):
    case = prepared(synced, resource)
    run(resource)
    first, last = (str(uuid_for(case.kind, n)) for n in (case.numbers[0], case.numbers[-1]))
    case.tamper(first)
    case.delete(last)
    found = {
        d.legacy_number: d
        for d in reconcile(resource=resource, client=legacy_client(), sink=sink_for(resource))
    }
    assert set(found) == {case.numbers[0], case.numbers[-1]}
    assert set(found[case.numbers[0]].fields) == {case.tampered_field}
    assert found[case.numbers[-1]].missing


def test_a_user_whose_email_belongs_to_another_member_is_skipped_and_reported(synced):
    other = User.objects.create_user("Grace@legacy.example", None, display_name="Someone else")
    out = StringIO()
    call_command("legacy_sync", "backfill", "users", "--page-size", "2", stdout=out)
    text = out.getvalue()
    assert "5/5" in text
    assert "users: read 5 (resumed after #0), created 4, updated 0, unchanged 0, skipped 1" in text
    assert f"skipped user {uuid_for('user', 2)}: e-mail grace@legacy.example belongs to " in text
    assert User.objects.get(email="grace@legacy.example").pk == other.pk
    assert User.objects.filter(pk=uuid_for("user", 3)).exists()  # the rest of the page is copied
    assert not User.objects.get(pk=uuid_for("user", 1)).has_usable_password()
    report = StringIO()
    call_command("legacy_sync", "reconcile", "users", stdout=report)
    assert f"#2 {uuid_for('user', 2)}: missing" in report.getvalue()


def test_a_legacy_user_changing_to_a_taken_email_is_skipped_not_half_written(synced):
    run("users")
    synced.change("UPDATE users SET mail = 'ada@legacy.example', full_name = 'G. H.', "
                          "changed = '01.12.2026 10:00' WHERE user_no = 2")  # fmt: skip
    summary = sync_changes(resource="users", client=legacy_client(), sink=sink_for("users"))
    assert (summary.updated, summary.skipped) == (0, 1)
    grace = User.objects.get(pk=uuid_for("user", 2))
    assert (grace.email, grace.display_name) == ("grace@legacy.example", "Grace Hopper")


def test_an_overlapping_legacy_booking_is_reported_not_dropped(synced):
    synced.change("INSERT INTO bookings VALUES (2, 1, 3, '04.02.2026 11:00', "
                          "'04.02.2026 13:00', '05.01.2026 10:00')")  # fmt: skip
    run("spaces")
    out = StringIO()
    call_command("legacy_sync", "backfill", "bookings", stdout=out)
    text = out.getvalue()
    assert "created 1, updated 0, unchanged 0, skipped 1" in text
    assert f"skipped booking {uuid_for('booking', 2)} (2026-02-04T10:00:00+00:00" in text
    assert "already booked" in text
    assert list(Booking.objects.values_list("id", flat=True)) == [uuid_for("booking", 1)]
    differences = reconcile(resource="bookings", client=legacy_client(), sink=sink_for("bookings"))
    assert [(d.legacy_number, d.missing) for d in differences] == [(2, True)]


def test_a_booking_of_a_space_not_copied_yet_is_reported(synced):
    summary = run("bookings")
    assert (summary.created, summary.skipped) == (0, 1)
    assert "sync spaces first" in summary.problems[0]


def test_a_proposal_closed_in_legacy_is_counted_by_governance_with_its_copied_votes(synced):
    run("proposals")
    synced.change("INSERT INTO votes VALUES (2, 1, 3, 'NO', '05.01.2026 10:00')")
    synced.change("UPDATE proposals SET status = 'CLOSED' WHERE proposal_no = 1")
    again = run("proposals", restart=True)
    assert (again.unchanged, again.skipped) == (1, 0)  # nothing to write: governance counts
    assert run("votes").created == 2
    client, proposal_id = legacy_client(), uuid_for("proposal", 1)
    [waiting] = reconcile(resource="proposals", client=client, sink=sink_for("proposals"))
    assert waiting.fields == {"status": ("closed", "voting")}
    out = StringIO()
    call_command("governance_close_due", stdout=out)
    assert "1 proposals closed" in out.getvalue()
    assert [entry.kind for entry in RegisterEntry.objects.order_by("index")] == [
        "vote", "vote", "decision",
    ]  # fmt: skip
    assert register_verify() == []
    counted = GovernanceProposal.objects.get(pk=proposal_id)
    assert (counted.status, counted.counts, counted.voters) == (
        "rejected",
        {"yes": 1, "no": 1, "abstain": 0},
        2,
    )
    assert reconcile(resource="proposals", client=client, sink=sink_for("proposals")) == []
    synced.change("UPDATE votes SET choice = 'YES', changed = '01.12.2026 10:00' "
                          "WHERE vote_no = 2")  # fmt: skip
    late = sync_changes(resource="votes", client=client, sink=sink_for("votes"))
    assert (late.updated, late.skipped) == (0, 1)
    assert "takes no votes" in late.problems[0]
    assert Vote.objects.get(imported_id=uuid_for("vote", 2)).choice == "no"


def test_votes_of_a_proposal_not_copied_yet_are_reported(synced):
    summary = run("votes")
    assert (summary.created, summary.skipped) == (0, 1)
    assert "sync proposals first" in summary.problems[0]


def test_the_periodic_task_syncs_every_resource_in_order(synced):
    """Spaces before bookings, proposals before votes: nothing is skipped on a first run."""
    assert sync_all_changes() == {
        "users": 5, "activity": 7, "spaces": 3, "bookings": 1, "proposals": 1, "votes": 1,
        "ratings": 3,
    }  # fmt: skip
    assert all(not state.last_summary["skipped"] for state in SyncState.objects.all())
    assert Vote.objects.get(imported_id=uuid_for("vote", 1)).choice == "yes"


def test_a_legacy_record_outside_the_contract_is_skipped_not_a_crash(synced):
    """A row an older legacy release wrote (a join date the contract does not allow):
    the ACL cannot translate it, so the run reports it and copies the rest."""
    synced.change("UPDATE users SET joined = 'last spring', "
                          "changed = '01.12.2026 10:00' WHERE user_no = 3")  # fmt: skip
    out = StringIO()
    call_command("legacy_sync", "backfill", "users", "--page-size", "2", stdout=out)
    text = out.getvalue()
    assert "users: read 5 (resumed after #0), created 4, updated 0, unchanged 0, skipped 1" in text
    assert "skipped users #3: cannot be translated (ValueError: " in text
    assert not User.objects.filter(pk=uuid_for("user", 3)).exists()
    assert User.objects.filter(pk=uuid_for("user", 4)).exists()  # the rest of the page
    summary = sync_changes(resource="users", client=legacy_client(), sink=sink_for("users"))
    assert summary.skipped == 1 and "users #3: cannot be translated" in summary.problems[0]
    report = StringIO()
    call_command("legacy_sync", "reconcile", "users", stdout=report)
    assert "users #3: cannot be translated" in report.getvalue()
    assert "users: 1 record(s) differ" in report.getvalue()
