"""Bookings: availability, holds that lapse, confirmation, the cancellation policy,
seats and capacity, completion; and the booking events in the outbox."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from prometheus_client import REGISTRY

from domains.marketplace.models import Booking
from domains.marketplace.selectors import space_availability
from domains.marketplace.services.bookings import (
    booking_cancel,
    booking_confirm,
    booking_hold,
    bookings_complete_due,
)
from domains.marketplace.services.errors import InvalidRequest, SlotTaken, StateConflict
from domains.marketplace.tests.conftest import ALIAS, PROBLEM, bookable_space, client_for
from eventing.models import OutboxMessage

pytestmark = pytest.mark.django_db(databases=[ALIAS])
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # a Tuesday, before opening
AT = NOW.replace(hour=10)


def hold(space, member=None, start=AT, hours=1, now=NOW, **extra):
    return booking_hold(
        space_id=space.pk, member_id=member or uuid4(), starts_at=start,
        ends_at=start + timedelta(hours=hours), now=now, **extra,
    )  # fmt: skip


def outbox_types() -> list[str]:
    return list(
        OutboxMessage.objects.using(ALIAS).order_by("id").values_list("event_type", flat=True)
    )


def test_availability_is_opening_hours_minus_bookings_and_their_buffer():
    space = bookable_space(now=NOW, buffer_minutes=30)
    hold(space, start=AT)  # blocks 10:00-11:30
    slots = space_availability(
        space=space, start=NOW, end=NOW + timedelta(days=1), duration=timedelta(hours=1), now=NOW
    )
    starts = [s.starts_at.strftime("%H:%M") for s in slots if s.starts_at.date() == NOW.date()]
    assert starts[0] == "08:00" and starts[-1] == "19:00"  # opening hours 08-20
    # 08:30 blocks until 10:00 with its buffer: just fits; 09:00 would block till 10:30.
    assert "08:30" in starts and "09:00" not in starts and "10:00" not in starts
    assert "11:00" not in starts and "11:30" in starts


def test_a_hold_lapses_after_the_checkout_window_and_frees_the_slot(settings):
    settings.MARKETPLACE_HOLD_MINUTES = 10
    space = bookable_space(now=NOW)
    first = hold(space)
    with pytest.raises(SlotTaken):
        hold(space, now=NOW + timedelta(minutes=9, seconds=59))
    second = hold(space, now=NOW + timedelta(minutes=10))
    assert Booking.objects.using(ALIAS).get(pk=first.pk).status == "expired"
    with pytest.raises(StateConflict, match="lapsed"):
        booking_confirm(
            booking_id=first.pk, member_id=first.member_id, now=NOW + timedelta(minutes=11)
        )
    confirmed = booking_confirm(
        booking_id=second.pk, member_id=second.member_id, now=NOW + timedelta(minutes=11)
    )
    assert confirmed.status == "confirmed"
    assert outbox_types() == ["marketplace.booking_confirmed"]


def test_cancellation_is_free_until_24_hours_before_late_after_and_refused_once_started():
    space = bookable_space(now=NOW)
    early = hold(space, start=AT + timedelta(days=3))
    booking_confirm(booking_id=early.pk, member_id=early.member_id, now=NOW)
    assert (
        booking_cancel(booking_id=early.pk, member_id=early.member_id, now=NOW).cancellation
        == "free"
    )
    late = hold(space, start=AT + timedelta(days=1))
    booking_confirm(booking_id=late.pk, member_id=late.member_id, now=NOW)
    cancelled = booking_cancel(
        booking_id=late.pk, member_id=late.member_id, reason="ill", now=AT + timedelta(hours=1)
    )
    assert cancelled.cancellation == "late"
    started = hold(space, start=AT)
    with pytest.raises(StateConflict, match="started"):
        booking_cancel(booking_id=started.pk, member_id=started.member_id, now=AT)
    assert outbox_types() == [
        "marketplace.booking_confirmed", "marketplace.booking_cancelled",
        "marketplace.booking_confirmed", "marketplace.booking_cancelled",
    ]  # fmt: skip
    # A cancelled booking frees its slot again.
    assert hold(space, start=AT + timedelta(days=3)).seat == 1


def test_seats_are_booked_independently_and_capacity_limits_attendees():
    space = bookable_space(now=NOW, seats=2, capacity=4)
    assert [hold(space).seat, hold(space).seat] == [1, 2]
    with pytest.raises(SlotTaken):
        hold(space)
    with pytest.raises(InvalidRequest, match="at most 4"):
        hold(space, start=AT + timedelta(hours=3), attendees=5)


def test_a_booking_must_fit_opening_hours_and_lie_ahead():
    space = bookable_space(now=NOW)
    with pytest.raises(InvalidRequest, match="not open"):
        hold(space, start=NOW.replace(hour=19), hours=2)
    with pytest.raises(InvalidRequest, match="future"):
        hold(space, start=AT, now=AT + timedelta(minutes=1))


def test_ended_bookings_complete_and_are_published_once():
    space = bookable_space(now=NOW)
    booking = hold(space)
    booking_confirm(booking_id=booking.pk, member_id=booking.member_id, now=NOW)
    assert bookings_complete_due(now=AT + timedelta(minutes=59)) == 0
    assert bookings_complete_due(now=AT + timedelta(hours=1)) == 1
    assert bookings_complete_due(now=AT + timedelta(hours=2)) == 0
    completed = OutboxMessage.objects.using(ALIAS).get(event_type="marketplace.booking_completed")
    assert completed.envelope["payload"]["booking_id"] == str(booking.pk)
    assert completed.envelope["producer"] == "marketplace"


def test_the_api_holds_confirms_and_only_the_booker_may_cancel(member):
    space = bookable_space()
    client = client_for(member)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    start = start.replace(hour=12, minute=0, second=0)
    body = {"space_id": str(space.pk), "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat()}  # fmt: skip
    held = client.post("/api/v1/marketplace/bookings/hold", body, format="json")
    assert held.status_code == 201, held.content
    booking_id = held.json()["id"]
    confirm = client.post(f"/api/v1/marketplace/bookings/{booking_id}/confirm")
    assert confirm.status_code == 200 and confirm.json()["status"] == "confirmed"
    intruder = client_for(type(member)(id=uuid4(), kind="member", scopes=member.scopes))
    refused = intruder.post(f"/api/v1/marketplace/bookings/{booking_id}/cancel", {}, format="json")
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    mine = client.get("/api/v1/marketplace/bookings/mine").json()
    assert [b["id"] for b in mine["results"]] == [booking_id]
    taken = client.post("/api/v1/marketplace/bookings/hold", body, format="json")
    assert taken.status_code == 409 and taken.json()["type"] == "/problems/conflict"


def test_the_periodic_task_completes_every_ended_booking():
    from domains.marketplace.tasks import complete_bookings

    space = bookable_space(now=NOW)
    past = (datetime.now(UTC) - timedelta(days=2)).replace(hour=10, minute=0, second=0)
    booked_at = past - timedelta(hours=1)
    for hours in (0, 2):
        booking = hold(space, start=past + timedelta(hours=hours), now=booked_at)
        booking_confirm(booking_id=booking.pk, member_id=booking.member_id, now=booked_at)
    assert complete_bookings() == 2
    assert set(Booking.objects.using(ALIAS).values_list("status", flat=True)) == {"completed"}


def test_far_dates_are_refused_not_overflowed(api_client, member):
    space = bookable_space()
    far = {"space_id": str(space.pk), "starts_at": "9999-12-31T10:00:00Z",
           "ends_at": "9999-12-31T11:00:00Z"}  # fmt: skip
    held = client_for(member).post("/api/v1/marketplace/bookings/hold", far, format="json")
    assert held.status_code == 400 and held["Content-Type"] == PROBLEM
    slots = api_client.get(
        f"/api/v1/marketplace/spaces/{space.pk}/availability",
        {"start": "9999-12-30T00:00:00Z", "end": "9999-12-31T23:00:00Z", "duration_minutes": 60},
    )
    assert slots.status_code == 400
    search = api_client.get(
        "/api/v1/marketplace/spaces",
        {"free_from": "9999-12-31T00:00:00Z", "free_until": "9999-12-31T23:00:00Z"},
    )
    assert search.status_code == 200


def test_confirmations_and_cancellations_are_counted(django_capture_on_commit_callbacks):
    def count(outcome: str) -> float:
        return REGISTRY.get_sample_value("marketplace_bookings_total", {"outcome": outcome}) or 0

    space = bookable_space(now=NOW)
    member = uuid4()
    confirmed, cancelled = count("confirmed"), count("cancelled")
    with django_capture_on_commit_callbacks(using="marketplace", execute=True):
        booking = hold(space, member=member)
        booking_confirm(booking_id=booking.pk, member_id=member, now=NOW)
        booking_cancel(booking_id=booking.pk, member_id=member, now=NOW)
    assert (count("confirmed"), count("cancelled")) == (confirmed + 1, cancelled + 1)
