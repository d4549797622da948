"""``manage.py eventbus_republish --since TIME``: the runbook's hand-run fallback when
Redis lost data and the relay did not notice (docs/runbooks/disaster-recovery.md).
What was published since TIME, from the outbox and from an event store's notification
log, goes out again with the same event ids; what was published before stays as it is."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from common.demo_ids import demo_member_id
from domains.reputation.services import rating_give
from eventing.relay import EventStoreSource, OutboxSource, relay_once
from eventing.sources import relay_sources
from eventing.streams import event_stream
from tests.bus.outbox_rows import announce_registrations, unpublished

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def _ids(client, producer: str) -> list[str]:
    entries = client.xrange(event_stream(producer))
    return [json.loads(fields[b"envelope"])["id"] for _, fields in entries]


def _rate(count: int, start: int) -> None:
    ratee = demo_member_id("ratee@example.org")
    for n in range(start, start + count):
        rating_give(
            rater_id=uuid.uuid4(), ratee_id=ratee, context_type="session",
            context_id=f"s{n}", score=4,
        )  # fmt: skip


def _republish(*args: str) -> str:
    out = io.StringIO()
    call_command("eventbus_republish", *args, stdout=out)
    return out.getvalue()


def test_what_was_published_since_the_time_goes_out_again_with_its_ids(bus, ledger_app):
    client = bus.client()
    ledger = next(
        s for s in relay_sources()
        if isinstance(s, EventStoreSource) and s.name == f"relay:{ledger_app.name}"
    )  # fmt: skip
    outbox = OutboxSource("identity")
    announce_registrations(3)
    _rate(2, start=0)
    relay_once([outbox, ledger], client, 100)
    lost_from = datetime.now(UTC)
    announce_registrations(2)
    _rate(3, start=2)
    relay_once([outbox, ledger], client, 100)
    sent = {"identity": _ids(client, "identity"), "reputation": _ids(client, "reputation")}
    assert [len(ids) for ids in sent.values()] == [5, 5]

    client.flushall()  # Redis lost everything, and nobody noticed
    output = _republish("--since", lost_from.isoformat())
    assert "5 event(s) will be published again" in output, output
    assert unpublished() == 2

    relay_once([outbox, ledger], client, 100)
    assert _ids(client, "identity") == sent["identity"][3:]
    assert _ids(client, "reputation") == sent["reputation"][2:]
    assert relay_once([outbox, ledger], client, 100) == 0  # sent once


def test_a_bad_time_or_an_unknown_database_is_refused_and_changes_nothing(bus):
    announce_registrations(1)
    relay_once([OutboxSource("identity")], bus.client(), 100)
    for args, says in (
        (["--since", "yesterday"], "--since must be an ISO 8601 time with a zone"),
        (["--since", "2026-12-01T00:00:00"], "--since must be an ISO 8601 time with a zone"),
        (["--since", "2026-12-01T00:00:00Z", "--alias", "nowhere"], "Not databases"),
    ):
        with pytest.raises(CommandError, match=says):
            _republish(*args)
    assert unpublished() == 0
