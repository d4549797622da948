"""Booking events leave through the outbox and reach reputation over a real bus:
outbox → relay → Redis Streams (the bus tests' own Redis) → the ``reputation`` group."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domains.marketplace.services.bookings import (
    booking_confirm,
    booking_hold,
    bookings_complete_due,
)
from domains.marketplace.tests.conftest import bookable_space
from domains.reputation.models import CompletedBooking
from eventing.consumer import Consumer
from eventing.relay import OutboxSource, relay_once
from eventing.streams import event_stream
from tests.bus.conftest import bus, redis_server

__all__ = ["bus", "redis_server"]
pytestmark = pytest.mark.django_db(databases=["marketplace", "reputation"], transaction=True)
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def test_a_completed_booking_reaches_reputation(bus):
    client = bus.client()
    space = bookable_space(now=NOW)
    start = NOW.replace(hour=10)
    held = booking_hold(
        space_id=space.pk, member_id=uuid4(), starts_at=start, ends_at=start + timedelta(hours=1),
        now=NOW,
    )  # fmt: skip
    booking_confirm(booking_id=held.pk, member_id=held.member_id, now=NOW)
    assert bookings_complete_due(now=start + timedelta(hours=1)) == 1
    assert relay_once([OutboxSource("marketplace")], client, 100) == 2
    types = [f[b"type"] for _, f in client.xrange(event_stream("marketplace"))]
    assert types == [b"marketplace.booking_confirmed", b"marketplace.booking_completed"]
    consumer = Consumer("reputation", client)
    for _ in range(5):
        consumer.step()
    completed = CompletedBooking.objects.get()
    assert (completed.booking_id, completed.member_id) == (held.pk, held.member_id)
    assert consumer.stats.applied == 1  # booking_confirmed is not reputation's business
