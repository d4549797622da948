"""Free slots and opening hours (``domain.availability``), without a database: what a
member is offered is inside the space's local opening hours (across a clock change
too), never in the past, and never on a seat a booking or its buffer still blocks."""

from datetime import UTC, datetime, timedelta

import pytest

from domains.marketplace.domain.availability import (
    InvalidOpeningHours,
    free_slots,
    opening_hours_check,
    opening_intervals,
    within_opening_hours,
)

HOURS = {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "sat": [["10:00", "12:00"]]}
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; Paris is UTC+1 until 29 March
HOUR = timedelta(hours=1)


def slots(**overrides):
    arguments = {
        "hours": HOURS, "tz": "UTC", "start": MONDAY, "end": MONDAY + timedelta(days=1),
        "duration": HOUR, "step": HOUR, "buffer": timedelta(0), "seats": 1, "blocked": [],
        "not_before": MONDAY,
    } | overrides  # fmt: skip
    return [(s.starts_at.hour, s.free_seats) for s in free_slots(**arguments)]


@pytest.mark.parametrize(
    "hours",
    [
        [],
        {"monday": []},
        {"mon": "09:00-17:00"},
        {"mon": [["09:00"]]},
        {"mon": [["9:00", "17:00"]]},
        {"mon": [["09:00", "25:00"]]},
        {"mon": [["17:00", "09:00"]]},
        {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]},  # overlapping
        {"mon": [["13:00", "17:00"], ["09:00", "12:00"]]},  # out of order
    ],
)
def test_malformed_opening_hours_are_refused_as_invalid(hours):
    with pytest.raises(InvalidOpeningHours) as refused:
        opening_hours_check(hours)
    assert refused.value.kind == "invalid"


def test_well_formed_opening_hours_pass():
    opening_hours_check(HOURS)
    opening_hours_check({})


def test_slots_fill_the_opening_spans_and_skip_the_lunch_break():
    assert slots() == [(9, 1), (10, 1), (11, 1), (13, 1), (14, 1), (15, 1), (16, 1)]


def test_a_booking_blocks_its_seat_until_its_end_plus_the_buffer():
    blocked = [(1, MONDAY.replace(hour=10), MONDAY.replace(hour=11, minute=30))]
    assert [h for h, _ in slots(blocked=blocked)] == [9, 13, 14, 15, 16]
    # With a 30-minute buffer the 9:00 slot would end its blocked range at 10:30.
    assert [h for h, _ in slots(blocked=blocked, buffer=timedelta(minutes=30))] == [
        13, 14, 15, 16,
    ]  # fmt: skip


def test_a_slot_counts_the_seats_still_free():
    blocked = [(1, MONDAY.replace(hour=9), MONDAY.replace(hour=10))]
    assert slots(seats=3, blocked=blocked)[:2] == [(9, 2), (10, 3)]
    # A booking of a seat the space no longer has takes nothing from it.
    assert slots(seats=1, blocked=[(2, MONDAY.replace(hour=9), MONDAY.replace(hour=10))])[0] == (
        9, 1,
    )  # fmt: skip


def test_nothing_is_offered_before_not_before():
    assert [h for h, _ in slots(not_before=MONDAY.replace(hour=14))] == [14, 15, 16]


def test_opening_hours_are_local_time_across_a_clock_change():
    """Paris opens at 10:00 local on Saturdays: 09:00 UTC in winter, 08:00 in summer."""
    winter = opening_intervals(
        hours=HOURS, tz="Europe/Paris", start=datetime(2026, 3, 28, tzinfo=UTC),
        end=datetime(2026, 3, 29, tzinfo=UTC),
    )  # fmt: skip
    summer = opening_intervals(
        hours=HOURS, tz="Europe/Paris", start=datetime(2026, 4, 4, tzinfo=UTC),
        end=datetime(2026, 4, 5, tzinfo=UTC),
    )  # fmt: skip
    assert [(lo.hour, hi.hour) for lo, hi in winter] == [(9, 11)]
    assert [(lo.hour, hi.hour) for lo, hi in summer] == [(8, 10)]


def test_a_booking_must_fit_inside_one_opening_span():
    def fits(start_hour: int, end_hour: int) -> bool:
        return within_opening_hours(
            hours=HOURS, tz="UTC", starts_at=MONDAY.replace(hour=start_hour),
            ends_at=MONDAY.replace(hour=end_hour),
        )  # fmt: skip

    assert fits(9, 12)
    assert fits(13, 17)
    assert not fits(11, 14)  # across the lunch break
    assert not fits(8, 10)  # before opening
