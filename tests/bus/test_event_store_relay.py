"""An event-sourced application's notification log is its outbox: the relay publishes
the reputation ledger's events as ``reputation.rating_recorded``, remembers how far it
got next to the events, and gives a repeated event the same id."""

from __future__ import annotations

import json
import uuid

import pytest

from common.demo_ids import demo_member_id
from domains.reputation.services import rating_give
from eventing.models import ProjectionPosition
from eventing.relay import EventStoreSource, relay_once
from eventing.sources import relay_sources
from eventing.streams import event_stream

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def _entries(client) -> list[dict]:
    return [json.loads(f[b"envelope"]) for _, f in client.xrange(event_stream("reputation"))]


def test_rating_events_are_published_once_in_order_with_stable_ids(bus, ledger_app):
    client = bus.client()
    [source] = [
        s
        for s in relay_sources()
        if isinstance(s, EventStoreSource) and s.name == f"relay:{ledger_app.name}"
    ]
    assert source.producer == "reputation"
    ratee = demo_member_id("ratee@example.org")
    raters = [uuid.uuid4() for _ in range(3)]
    for i, rater in enumerate(raters):
        rating_give(
            rater_id=rater, ratee_id=ratee, context_type="session", context_id=f"s{i}", score=4
        )

    assert relay_once([source], client, 100) >= 3
    published = _entries(client)
    assert [e["type"] for e in published] == ["reputation.rating_recorded"] * 3
    assert [e["payload"]["rater_id"] for e in published] == [str(r) for r in raters]
    assert all(e["producer"] == "reputation" for e in published)
    assert relay_once([source], client, 100) == 0  # nothing twice
    position = ProjectionPosition.objects.using("reputation").get(name=source.name)
    assert position.position == ledger_app.recorder.max_notification_id()

    # A relay that lost its position (crash before saving it) publishes the same ids.
    position.position = 0
    position.save(using="reputation")
    relay_once([source], client, 100)
    again = _entries(client)[3:]
    assert [e["id"] for e in again] == [e["id"] for e in published]
