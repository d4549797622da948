"""The relay's check that Redis kept what it published (``eventing.recovery``): a
stream that went back (restored from an older snapshot), or vanished, is noticed and
the outbox rows Redis lost are queued again; a relay that restarted too notices from
the outbox alone; an intact stream is left alone."""

from __future__ import annotations

import pytest

from eventing.recovery import LossWatch
from eventing.relay import OutboxSource, relay_once
from eventing.streams import event_stream
from tests.bus.outbox_rows import announce_registrations, unpublished

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

STREAM = event_stream("identity")


def test_a_stream_gone_back_or_gone_is_republished_and_an_intact_one_is_not(bus):
    client, source = bus.client(), OutboxSource("identity")
    watch = LossWatch(client, [source])
    announce_registrations(5)
    relay_once([source], client, 100, watch)
    assert watch.check() == []  # intact
    assert watch.check() == []

    # Restored from a snapshot taken before the last two entries: they are gone, and
    # the stream's counters went back.
    survivors = client.xrange(STREAM)[:3]
    client.delete(STREAM)
    for _, fields in survivors:
        client.xadd(STREAM, fields)
    [loss] = watch.check()
    assert loss.stream == STREAM and loss.survived_up_to is not None
    assert watch.recover(loss) >= 2  # at least the lost ones (and a margin before)
    assert watch.check() == []  # marks moved to what is there: reported once

    relay_once([source], client, 100, watch)
    client.delete(STREAM)  # everything gone
    [loss] = watch.check()
    assert loss.survived_up_to is None
    assert watch.recover(loss) == 5 and unpublished() == 5


def test_a_relay_that_restarted_with_redis_notices_from_the_outbox(bus):
    client, source = bus.client(), OutboxSource("identity")
    announce_registrations(3)
    relay_once([source], client, 100)
    client.flushall()
    fresh = LossWatch(client, [source])  # a new relay process: no memory
    fresh.prime()
    [loss] = fresh.check()
    assert fresh.recover(loss) == 3 and unpublished() == 3

    relay_once([source], client, 100)
    again = LossWatch(client, [source])
    again.prime()
    assert again.check() == []  # a healthy stream at start-up is left alone
