"""Outbox → relay → Redis Streams → consumer group → handler, on real PostgreSQL and Redis.

Each test creates the fault it is about: the same message delivered twice, a poison
message, Redis stopped while the domains keep writing.
"""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction

from contracts.events import envelope_for
from contracts.identity.v1 import MemberRegistered
from domains.governance.models import Member
from domains.identity.models import User
from domains.identity.services import user_register
from eventing.consumer import Consumer
from eventing.deadletters import dead_letter_list, dead_letter_replay
from eventing.inbox import Outcome
from eventing.models import InboxMessage, OutboxMessage
from eventing.relay import OutboxSource, relay_once
from eventing.streams import dead_letter_stream, event_stream, stream_fields

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def _register(count: int, prefix: str = "m") -> list[User]:
    return [
        user_register(email=f"{prefix}{i}@example.org", password=None, display_name=f"{prefix}{i}")
        for i in range(count)
    ]


def _drain(consumer: Consumer, rounds: int = 50) -> None:
    """Step the consumer until a round finds nothing to do (retries included)."""
    idle = 0
    for _ in range(rounds):
        idle = 0 if consumer.step() else idle + 1
        if idle >= 3 and not consumer._retry_at:
            return


def test_a_registration_reaches_governance_through_the_bus(bus):
    client = bus.client()
    users = _register(3)
    # Written in the identity transaction, not yet sent.
    assert OutboxMessage.objects.using("identity").filter(published_at__isnull=True).count() == 3
    assert relay_once([OutboxSource("identity")], client, 100) == 3
    assert client.xlen(event_stream("identity")) == 3
    consumer = Consumer("governance", client)
    _drain(consumer)
    assert sorted(Member.objects.values_list("member_id", flat=True)) == sorted(u.id for u in users)
    assert consumer.stats.applied == 3
    # Acknowledged: nothing pending for the group.
    assert client.xpending(event_stream("identity"), "governance")["pending"] == 0


def test_the_same_message_delivered_twice_has_one_effect(bus):
    client = bus.client()
    _register(1)
    row = OutboxMessage.objects.using("identity").get()
    fields = stream_fields(row.envelope)
    client.xadd(event_stream("identity"), fields)
    client.xadd(event_stream("identity"), fields)
    consumer = Consumer("governance", client)
    _drain(consumer)
    assert Member.objects.count() == 1
    assert (consumer.stats.applied, consumer.stats.duplicates) == (1, 1)
    assert InboxMessage.objects.using("governance").filter(event_id=row.event_id).count() == 1


def test_a_poison_message_is_dead_lettered_while_the_rest_flow_and_replays_once_fixed(bus, caplog):
    client = bus.client()
    before = _register(3, prefix="before")
    # The poison: a registration for a member id governance already holds (a stray row),
    # so every attempt fails on the unique member id.
    ghost = Member.objects.create(
        member_id=uuid.uuid4(), display_name="ghost", joined_at=before[0].date_joined
    )
    poison = envelope_for(
        MemberRegistered(member_id=ghost.member_id, display_name="real", joined_at=ghost.joined_at),
        producer="identity",
    )
    relay_once([OutboxSource("identity")], client, 100)
    client.xadd(event_stream("identity"), stream_fields(poison.to_dict()))
    after = _register(3, prefix="after")
    relay_once([OutboxSource("identity")], client, 100)

    consumer = Consumer("governance", client)
    _drain(consumer, rounds=200)
    [letter] = dead_letter_list(client, group="governance")
    assert letter.attempts == 3
    assert "IntegrityError" in letter.error
    assert json.loads(letter.envelope)["id"] == str(poison.id)
    # Logged at ERROR with the event's id: the record that outlives Redis.
    [logged] = [r for r in caplog.records if "dead-lettered" in r.getMessage()]
    assert logged.levelname == "ERROR" and str(poison.id) in logged.getMessage()
    # Everything around the poison was applied, and nothing is left pending.
    applied = set(Member.objects.values_list("member_id", flat=True))
    assert {u.id for u in before + after} <= applied
    assert client.xpending(event_stream("identity"), "governance")["pending"] == 0

    # The fix: ops remove the stray row; the replay applies the event once.
    ghost.delete()
    assert (
        dead_letter_replay(client, group="governance", dead_letter_id=letter.id) is Outcome.APPLIED
    )
    assert Member.objects.get(member_id=poison.payload["member_id"]).display_name == "real"
    assert client.xlen(dead_letter_stream("governance")) == 0
    # Delivered again later (say the relay repeats it), it has no second effect.
    client.xadd(event_stream("identity"), stream_fields(poison.to_dict()))
    _drain(consumer)
    assert consumer.stats.duplicates == 1
    assert Member.objects.filter(display_name="real").count() == 1


def test_redis_down_writes_succeed_and_everything_arrives_after(bus, client):
    redis_client = bus.client()
    source = OutboxSource("identity")
    _register(10, prefix="before")
    relay_once([source], redis_client, 100)
    consumer = Consumer("governance", redis_client)
    _drain(consumer)

    bus.stop()
    during = _register(25, prefix="during")  # the domain keeps writing
    assert len(during) == 25
    ready = client.get("/ready").json()
    assert ready["status"] == "degraded" and ready["checks"]["redis"]["status"] == "degraded"
    import redis as redis_lib

    with pytest.raises(redis_lib.ConnectionError):
        relay_once([source], redis_client, 100)
    assert source.backlog() == 25  # nothing marked published while Redis was away

    bus.start()  # same port, same append-only file: streams and groups are back
    assert relay_once([source], redis_client, 100) == 25
    _drain(Consumer("governance", redis_client))
    assert Member.objects.count() == 35
    assert source.backlog() == 0


def test_unreadable_entries_go_straight_to_the_dead_letters(bus, caplog):
    client = bus.client()
    client.xadd(event_stream("identity"), {"envelope": "{not json"})
    client.xadd(event_stream("identity"), {"envelope": json.dumps({"id": "x"})})
    consumer = Consumer("governance", client)
    _drain(consumer)
    letters = dead_letter_list(client, group="governance")
    assert len(letters) == 2
    assert all(letter.attempts == 1 for letter in letters)
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert [m.split(" (entry")[0] for m in logged if "dead-lettered" in m] == [
        "consumer governance: event ?",
        "consumer governance: event x",
    ]


def test_outbox_rows_roll_back_with_the_write(bus):
    with pytest.raises(RuntimeError), transaction.atomic(using="identity"):
        user_register(email="gone@example.org", password=None)
        raise RuntimeError("the surrounding work failed")
    assert not User.objects.filter(email="gone@example.org").exists()
    assert OutboxMessage.objects.using("identity").count() == 0


def test_ops_commands_show_lag_and_dead_letters(bus):
    client = bus.client()
    _register(4)
    relay_once([OutboxSource("identity")], client, 100)
    Consumer("governance", client)  # creates the group, reads nothing yet
    out = io.StringIO()
    call_command("eventbus_lag", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("governance"))
    assert line.split()[1:4] == ["events:identity", "0", "4"]

    client.xadd(event_stream("identity"), {"envelope": "garbage"})
    _drain(Consumer("governance", client))
    out = io.StringIO()
    call_command("eventbus_deadletters", "list", "--group", "governance", stdout=out)
    assert "1 dead letter(s) for governance" in out.getvalue()


def test_a_batch_announced_in_one_insert_is_relayed_in_order(bus):
    from datetime import UTC, datetime

    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from eventing.outbox import outbox_publish_many

    joined = datetime.now(UTC)
    events = [
        (MemberRegistered(member_id=uuid.uuid4(), display_name=f"b{i}", joined_at=joined), f"a{i}")
        for i in range(5)
    ]
    with (
        CaptureQueriesContext(connections["identity"]) as queries,
        transaction.atomic(using="identity"),
    ):
        envelopes = outbox_publish_many(alias="identity", producer="identity", events=events)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    client = bus.client()
    relay_once([OutboxSource("identity")], client, 100)
    published = [
        json.loads(f[b"envelope"])["id"] for _, f in client.xrange(event_stream("identity"))
    ]
    assert published == [str(e.id) for e in envelopes]
    _drain(Consumer("governance", client))
    assert sorted(Member.objects.values_list("display_name", flat=True)) == [
        f"b{i}" for i in range(5)
    ]


def test_dead_letter_replay_as_documented_and_a_failing_replay_exits_non_zero(bus):
    from datetime import UTC, datetime

    from django.core.management.base import CommandError

    from eventing.deadletters import dead_letter

    client = bus.client()
    member = uuid.uuid4()
    event = MemberRegistered(member_id=member, display_name="late", joined_at=datetime.now(UTC))
    envelope = envelope_for(event, producer="identity")
    dead_letter(
        client, group="governance", stream=event_stream("identity"), entry_id="1-1",
        envelope=json.dumps(envelope.to_dict()), error="fixed since", attempts=5,
    )  # fmt: skip
    dead_letter(
        client, group="governance", stream=event_stream("identity"), entry_id="1-2",
        envelope="garbage", error="unreadable", attempts=1,
    )  # fmt: skip
    good, bad = [letter.id for letter in dead_letter_list(client, group="governance")]
    out = io.StringIO()
    # As docs/eventing.md writes it: the options before the id.
    call_command("eventbus_deadletters", "replay", "--group", "governance", good, stdout=out)
    assert f"{good}: applied" in out.getvalue()
    assert Member.objects.filter(member_id=member).exists()
    with pytest.raises(CommandError, match="1 of 1 dead letter"):
        call_command("eventbus_deadletters", "replay", "--group", "governance", bad,
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert [letter.id for letter in dead_letter_list(client, group="governance")] == [bad]
