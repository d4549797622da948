"""Settings of the reputation part (every value from the environment, via config.env.read)."""

from django.core.exceptions import ImproperlyConfigured

from config.env import read
from config.settings.core import DEBUG
from config.settings.learning import LRS_AUTHORITY_HOMEPAGE
from config.settings.tasks import CELERY_BEAT_SCHEDULE

#: How often reputations whose ratings aged out are recomputed and published. Readers
#: never need it (they compute at their own clock); subscribers of reputation.changed do.
REPUTATION_REFRESH_SECONDS = read("REPUTATION_REFRESH_SECONDS", "int", default=900)

#: xAPI ``account`` IFIs with this home page name platform members by id (the LRS's
#: ``<LRS_AUTHORITY_HOMEPAGE>/members``): their completed activities verify ratings.
REPUTATION_MEMBER_ACCOUNT_HOMEPAGE = read(
    "REPUTATION_MEMBER_ACCOUNT_HOMEPAGE", "str", f"{LRS_AUTHORITY_HOMEPAGE}/members"
)

CELERY_BEAT_SCHEDULE["reputation-refresh-ageing"] = {
    "task": "reputation.refresh_ageing",
    "schedule": float(REPUTATION_REFRESH_SECONDS),
}

#: The demo clock: reputation reads compute this many days after the real time, so the
#: 30-day window can be watched moving (``DEMO_CLOCK_SHIFT_DAYS=20 make run``: a rating
#: given 15 days ago stops counting). Development only: refused unless DEBUG is on.
DEMO_CLOCK_SHIFT_DAYS = read("DEMO_CLOCK_SHIFT_DAYS", "float", default=0.0)
if DEMO_CLOCK_SHIFT_DAYS and not DEBUG:
    raise ImproperlyConfigured(
        "DEMO_CLOCK_SHIFT_DAYS is a demo clock override; it is refused with DEBUG off "
        "(production always reads the real time)."
    )
