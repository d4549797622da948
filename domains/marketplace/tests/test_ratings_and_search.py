"""Space ratings after a booking ended, owners' replies, and search: by place, time
window, capacity, accessibility and rating, best rated first, paginated."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domains.marketplace.models import Space
from domains.marketplace.services.bookings import booking_confirm, booking_hold
from domains.marketplace.services.errors import NotAllowed, StateConflict
from domains.marketplace.services.ratings import space_rate, space_rating_reply
from domains.marketplace.tests.conftest import (
    ALIAS,
    bookable_space,
    client_for,
    principal,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db(databases=[ALIAS])
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
AT = NOW.replace(hour=10)
URL = "/api/v1/marketplace/spaces"


def stay(space, start=AT):
    booking = booking_hold(
        space_id=space.pk, member_id=uuid4(), starts_at=start, ends_at=start + timedelta(hours=1),
        now=NOW,
    )  # fmt: skip
    return booking_confirm(booking_id=booking.pk, member_id=booking.member_id, now=NOW)


def test_a_space_is_rated_once_after_the_booking_ended_and_the_owner_replies():
    space = bookable_space(now=NOW)
    booking = stay(space)
    with pytest.raises(StateConflict, match="has ended"):
        space_rate(booking_id=booking.pk, member_id=booking.member_id, score=5, now=AT)
    with pytest.raises(NotAllowed):
        space_rate(booking_id=booking.pk, member_id=uuid4(), score=5, now=AT + timedelta(hours=2))
    rating = space_rate(
        booking_id=booking.pk, member_id=booking.member_id, score=4, now=AT + timedelta(hours=1)
    )
    with pytest.raises(StateConflict, match="already"):
        space_rate(
            booking_id=booking.pk, member_id=booking.member_id, score=1, now=AT + timedelta(hours=2)
        )
    second = stay(space, start=AT + timedelta(hours=2))
    space_rate(
        booking_id=second.pk, member_id=second.member_id, score=2, now=AT + timedelta(hours=4)
    )
    space.refresh_from_db()
    assert (space.rating_average, space.rating_count) == (3.0, 2)
    with pytest.raises(NotAllowed):
        space_rating_reply(rating_id=rating.pk, owner_id=uuid4(), reply="?", now=NOW)
    replied = space_rating_reply(
        rating_id=rating.pk, owner_id=space.owner_id, reply="Thanks!", now=NOW
    )
    assert replied.owner_reply == "Thanks!"
    listed = client_for(principal()).get(f"{URL}/{space.pk}/ratings").json()["results"]
    assert {r["score"] for r in listed} == {4, 2}


def test_search_filters_and_ranks_by_rating(api_client):
    lyon = bookable_space(name="Lyon loft", location="Lyon, FR", capacity=10,
                          accessibility=["step_free_access", "quiet_room"])  # fmt: skip
    porto = bookable_space(name="Porto attic", location="Porto, PT", capacity=3)
    bookable_space(name="Online room", location="", is_online=True, capacity=30)
    Space.objects.filter(pk=lyon.pk).update(rating_average=3.5, rating_count=2)
    Space.objects.filter(pk=porto.pk).update(rating_average=4.8, rating_count=5)

    def names(**params):
        response = api_client.get(URL, params)
        assert response.status_code == 200, response.content
        return [s["name"] for s in response.json()["results"]]

    assert names() == ["Porto attic", "Lyon loft", "Online room"]
    assert names(place="lyon") == ["Lyon loft"]
    assert names(min_capacity=5) == ["Lyon loft", "Online room"]
    assert names(accessibility=["step_free_access", "quiet_room"]) == ["Lyon loft"]
    assert names(accessibility=["hearing_loop"]) == []
    assert names(min_rating=4) == ["Porto attic"]
    assert names(online="true") == ["Online room"]
    start, end = tomorrow_at(10), tomorrow_at(11)
    booking_hold(space_id=porto.pk, member_id=uuid4(), starts_at=start, ends_at=end,
                 now=datetime.now(UTC))  # fmt: skip
    window = {"free_from": start.isoformat(), "free_until": end.isoformat()}
    assert names(**window) == ["Lyon loft", "Online room"]
    page = api_client.get(URL, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert api_client.get(URL, {"accessibility": ["teleporter"]}).status_code == 400
    assert api_client.get(URL, {"free_from": start.isoformat()}).status_code == 400


def test_availability_endpoint_lists_free_slots(api_client):
    space = bookable_space(seats=1)
    start = tomorrow_at(8)
    booking_hold(space_id=space.pk, member_id=uuid4(), starts_at=tomorrow_at(9),
                 ends_at=tomorrow_at(10), now=datetime.now(UTC))  # fmt: skip
    response = api_client.get(
        f"{URL}/{space.pk}/availability",
        {"start": start.isoformat(), "end": tomorrow_at(12).isoformat(), "duration_minutes": 60},
    )
    assert response.status_code == 200, response.content
    starts = [s["starts_at"][11:16] for s in response.json()["results"]]
    assert starts == ["08:00", "10:00", "10:30", "11:00"]
