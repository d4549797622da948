"""Celery: Redis broker when ``REDIS_URL`` is set, eager in-process tasks otherwise."""

from config.env import BASE_DIR, read
from config.settings.data import REDIS_URL

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
#: Periodic work; the domain issues add their entries.
CELERY_BEAT_SCHEDULE: dict = {
    "prune-outbox": {"task": "eventing.prune_outbox", "schedule": 3600.0},
    "prune-inbox": {"task": "eventing.prune_inbox", "schedule": 6 * 3600.0},
}
#: Beat keeps its last-run times in a file. Celery's default (``celerybeat-schedule`` in
#: the working directory, /app) is on the image's read-only root filesystem; ``var/`` is
#: the writable mount every manifest declares.
CELERY_BEAT_SCHEDULE_FILENAME = read(
    "CELERY_BEAT_SCHEDULE_FILENAME", "str", str(BASE_DIR / "var" / "celerybeat-schedule")
)
