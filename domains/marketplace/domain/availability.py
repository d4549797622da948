"""Free time slots: a space's opening hours minus its bookings and their buffers.

Opening hours are weekly, in the space's own time zone (``{"mon": [["09:00",
"17:00"]], ...}``), so a slot on a day of a clock change is still "09:00 local". A
booking blocks its seat from its start until its end plus the space's buffer (time to
tidy up); the database constraint uses the same blocked range, so what this module
offers is what the database accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.refusals import Invalid

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class InvalidOpeningHours(Invalid):
    """Opening hours that are not ``{weekday: [["HH:MM", "HH:MM"], ...]}``."""


def _clock(value: str) -> time:
    try:
        hours, minutes = value.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(value)
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as exc:
        raise InvalidOpeningHours(f"{value!r} is not a time of day (HH:MM).") from exc


def opening_hours_check(hours: object) -> None:
    """Raise ``InvalidOpeningHours`` unless ``hours`` is well formed and ordered."""
    if not isinstance(hours, dict) or not set(hours) <= set(WEEKDAYS):
        raise InvalidOpeningHours(f"Use an object keyed by {', '.join(WEEKDAYS)}.")
    for day, spans in hours.items():
        if not isinstance(spans, list):
            raise InvalidOpeningHours(f"{day}: use a list of [opens, closes] pairs.")
        previous_close = time.min
        for span in spans:
            if not isinstance(span, list) or len(span) != 2:
                raise InvalidOpeningHours(f"{day}: use [opens, closes] pairs.")
            opens, closes = _clock(span[0]), _clock(span[1])
            if not previous_close <= opens < closes:
                raise InvalidOpeningHours(f"{day}: spans must be ordered and not overlap.")
            previous_close = closes


def opening_intervals(
    *, hours: dict, tz: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The opening intervals (UTC) that meet [start, end), clipped to it."""
    zone = ZoneInfo(tz)
    day: date = start.astimezone(zone).date() - timedelta(days=1)
    last: date = end.astimezone(zone).date()
    intervals = []
    while day <= last:
        for opens, closes in hours.get(WEEKDAYS[day.weekday()], []):
            lo = datetime.combine(day, _clock(opens), zone).astimezone(UTC)
            hi = datetime.combine(day, _clock(closes), zone).astimezone(UTC)
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                intervals.append((lo, hi))
        day += timedelta(days=1)
    return intervals


def within_opening_hours(*, hours: dict, tz: str, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether [starts_at, ends_at) lies inside one opening span."""
    return any(
        lo == starts_at and hi == ends_at
        for lo, hi in opening_intervals(hours=hours, tz=tz, start=starts_at, end=ends_at)
    )


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    free_seats: int


def free_slots(
    *,
    hours: dict,
    tz: str,
    start: datetime,
    end: datetime,
    duration: timedelta,
    step: timedelta,
    buffer: timedelta,
    seats: int,
    blocked: list[tuple[int, datetime, datetime]],
    not_before: datetime,
) -> list[Slot]:
    """Slots of ``duration`` every ``step`` inside opening hours with a free seat.

    ``blocked`` holds (seat, from, until) of the live bookings, ``until`` including
    their buffer; a new slot blocks [its start, its end + buffer) in the same way.
    """
    slots = []
    for lo, hi in opening_intervals(hours=hours, tz=tz, start=start, end=end):
        cursor = lo
        while cursor + duration <= hi:
            if cursor >= not_before:
                until = cursor + duration + buffer
                taken = {seat for seat, b_lo, b_hi in blocked if b_lo < until and cursor < b_hi}
                free = seats - len(taken & set(range(1, seats + 1)))
                if free > 0:
                    slots.append(Slot(cursor, cursor + duration, free))
            cursor += step
    return slots
