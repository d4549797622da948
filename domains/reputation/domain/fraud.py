"""Anti-fraud rules: which ratings lose their weight, and why, in plain terms.

- burst: a rater gives ``BURST_COUNT`` or more ratings within ``BURST_WINDOW``; every
  rating of the burst weighs nothing.
- reciprocal: two members rate each other highly (``HIGH_SCORE`` or more) within the
  30-day window; both ratings weigh nothing.
- ring: three members rate each other highly in a cycle (A→B→C→A) within the window;
  the three ratings weigh nothing.
- new_account: the rater's account was created less than ``NEW_ACCOUNT_AGE`` before the
  rating; it weighs ``NEW_ACCOUNT_FACTOR``.

Each decision is stored with its reason; a moderator may override it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

BURST_COUNT = 5
BURST_WINDOW = timedelta(minutes=10)
HIGH_SCORE = 4
NEW_ACCOUNT_AGE = timedelta(hours=24)
NEW_ACCOUNT_FACTOR = 0.25

#: Rule name → the weight factor a decision under it applies.
FACTORS = {"burst": 0.0, "reciprocal": 0.0, "ring": 0.0, "new_account": NEW_ACCOUNT_FACTOR}


def burst_around(times: list[datetime], at: datetime) -> list[datetime]:
    """The given times forming a burst with ``at`` (a window of ``BURST_WINDOW`` holding
    ``BURST_COUNT`` or more of them, including ``at``), or [] when there is none."""
    times = sorted(times)
    burst: set[datetime] = set()
    for i, start in enumerate(times):
        inside = [t for t in times[i:] if t < start + BURST_WINDOW]
        if len(inside) >= BURST_COUNT and start <= at < start + BURST_WINDOW:
            burst.update(inside)
    return sorted(burst)


def is_new_account(*, joined_at: datetime | None, given_at: datetime) -> bool:
    """The rater's account was younger than ``NEW_ACCOUNT_AGE`` when rating.

    A rating older than the rater's membership here (a legacy import, a backfill: the
    account was *recorded* after the rating) says nothing about the account's age, so
    the rule does not judge it — it used to, with a negative age ("-2880 minutes old").
    """
    if joined_at is None or given_at < joined_at:
        return False
    return given_at - joined_at < NEW_ACCOUNT_AGE
