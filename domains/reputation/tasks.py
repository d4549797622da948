"""Periodic reputation work (Celery beat, ``config/settings/reputation.py``).

A rating stops counting exactly 30 days after it was given, and every reader already
sees that. What needs a task is publishing: governance and marketplace learn of
reputation changes from ``reputation.changed``, so members whose ratings aged out
since the last run are recomputed (and published when their score changed).
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from domains.reputation.services import reputations_refresh_aged


@shared_task(name="reputation.refresh_ageing")
def refresh_ageing() -> int:
    """Recompute members with a rating that aged out within the last two periods."""
    # Two periods of look-back: a late or skipped run still catches every rating.
    return reputations_refresh_aged(
        now=timezone.now(), lookback=timedelta(seconds=2 * settings.REPUTATION_REFRESH_SECONDS)
    )
