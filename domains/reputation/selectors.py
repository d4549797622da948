"""Reads of reputation data."""

import uuid
from datetime import datetime

from django.db.models import QuerySet

from domains.reputation.domain.ratings import window_start
from domains.reputation.models import Rating


def rating_list_counting(*, ratee_id: uuid.UUID, now: datetime) -> QuerySet[Rating]:
    """Ratings of ``ratee_id`` that count at ``now`` (the last 30 days)."""
    return Rating.objects.filter(
        ratee_id=ratee_id, given_at__gte=window_start(now), given_at__lte=now
    )
