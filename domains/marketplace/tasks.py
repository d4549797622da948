"""Periodic marketplace work (Celery beat, ``config/settings/marketplace.py``).

Completion is the only booking step no member triggers: a confirmed booking whose end
has passed becomes ``completed`` and ``marketplace.booking_completed`` is published,
which lets reputation attach ratings to it. Bookability needs no task (credentials are
compared with the clock when a booking is made); the *listing* follows lapsed
credentials here (``marketplace.unlist_lapsed``: status and ``SpaceUnlisted`` event).
"""

from celery import shared_task
from django.utils import timezone

from domains.marketplace.services.bookings import bookings_complete_due
from domains.marketplace.services.spaces import spaces_unlist_lapsed


@shared_task(name="marketplace.complete_bookings")
def complete_bookings() -> int:
    """Complete every ended confirmed booking, a batch at a time; how many."""
    total = 0
    while completed := bookings_complete_due(now=timezone.now()):
        total += completed
    return total


@shared_task(name="marketplace.unlist_lapsed")
def unlist_lapsed() -> int:
    """Unlist every listed space whose credentials all lapsed; how many."""
    total = 0
    while unlisted := spaces_unlist_lapsed(now=timezone.now()):
        total += unlisted
    return total
