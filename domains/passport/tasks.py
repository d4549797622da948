"""Periodic passport work (Celery beat, ``config/settings/passport.py``).

The catch-up of re-aggregations deferred while ``passport_reaggregation`` was degraded
(see ``aggregation.py``): it does nothing while the flag is on, and re-aggregates every
pending member at the first run after it is switched off.
"""

from celery import shared_task
from django.utils import timezone

from domains.passport.aggregation import catch_up


@shared_task(name="passport.reaggregate_pending")
def reaggregate_pending() -> int:
    return catch_up(now=timezone.now())
