"""Settings of the marketplace part (every value from the environment, via config.env.read)."""

from config.env import read

#: How long a hold keeps a slot for its member before it lapses (the checkout window).
MARKETPLACE_HOLD_MINUTES = read("MARKETPLACE_HOLD_MINUTES", "int", default=10)
#: Cancelling at least this long before the start is free; later it counts as late.
MARKETPLACE_FREE_CANCELLATION_HOURS = read("MARKETPLACE_FREE_CANCELLATION_HOURS", "int", default=24)
#: Availability offers a slot start every this many minutes.
MARKETPLACE_SLOT_STEP_MINUTES = read("MARKETPLACE_SLOT_STEP_MINUTES", "int", default=30)
#: How often listed spaces whose credentials lapsed are unlisted (and announced). Reads
#: hide them at once; this is when the status and ``marketplace.space_unlisted`` follow.
MARKETPLACE_CREDENTIAL_CHECK_SECONDS = read(
    "MARKETPLACE_CREDENTIAL_CHECK_SECONDS", "int", default=300
)

# Periodic work of this part, added to the beat schedule that config.settings.tasks owns.
from config.settings.tasks import CELERY_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE["marketplace-complete-bookings"] = {
    "task": "marketplace.complete_bookings",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["marketplace-unlist-lapsed"] = {
    "task": "marketplace.unlist_lapsed",
    "schedule": float(MARKETPLACE_CREDENTIAL_CHECK_SECONDS),
}
