"""Identity: how often the token signing key rotates on its own."""

from config.env import read
from config.settings.tasks import CELERY_BEAT_SCHEDULE

#: The signing key is replaced once it is this old (the hourly task checks).
IDENTITY_SIGNING_KEY_MAX_AGE_DAYS = read("IDENTITY_SIGNING_KEY_MAX_AGE_DAYS", "int", 30)

CELERY_BEAT_SCHEDULE["identity-rotate-signing-key"] = {
    "task": "identity.rotate_signing_key_when_due",
    "schedule": 3600.0,
}
