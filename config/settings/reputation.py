"""Settings of the reputation part (every value from the environment, via config.env.read)."""

from config.env import read
from config.settings.tasks import CELERY_BEAT_SCHEDULE

#: How often reputations whose ratings aged out are recomputed and published. Readers
#: never need it (they compute at their own clock); subscribers of reputation.changed do.
REPUTATION_REFRESH_SECONDS = read("REPUTATION_REFRESH_SECONDS", "int", default=900)

CELERY_BEAT_SCHEDULE["reputation-refresh-ageing"] = {
    "task": "reputation.refresh_ageing",
    "schedule": float(REPUTATION_REFRESH_SECONDS),
}
