"""The rating scale and the 30-day window in which a rating counts."""

from datetime import datetime, timedelta

MIN_SCORE = 1
MAX_SCORE = 5

#: A rating counts for exactly this long after it was given, then never again.
RATING_LIFETIME = timedelta(days=30)
#: Its rater may change its score or comment for this long after giving it.
EDIT_WINDOW = timedelta(minutes=15)


def counts_at(given_at: datetime, now: datetime) -> bool:
    """Whether a rating given at ``given_at`` still counts at ``now``.

    Correctness needs no expiry job: a reader asks this question with its own clock.
    """
    return given_at <= now < given_at + RATING_LIFETIME


def window_start(now: datetime) -> datetime:
    """The earliest ``given_at`` that still counts at ``now`` (inclusive bound)."""
    return now - RATING_LIFETIME + timedelta(microseconds=1)
