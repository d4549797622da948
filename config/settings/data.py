"""Databases (one per domain), the router that keeps each app on its own, and Redis."""

from pathlib import Path

from config.databases import databases
from config.env import BASE_DIR, read
from config.services import USERS_ALIAS
from config.settings.core import PARTS, SERVICE

DATA_DIR = Path(read("DATA_DIR", "str", str(BASE_DIR / "var" / "db")))

#: Every alias this process uses; ``default`` always exists (a dummy where unused).
DATABASES = databases(
    tuple(dict.fromkeys(alias for part in PARTS for alias in part.aliases)),
    service=SERVICE,
    data_dir=DATA_DIR,
)
DATABASE_ROUTERS = ["config.router.DomainRouter"]

#: Django's own apps whose tables point at users live in the users' database.
DATABASE_APPS_WITH_USERS = ("auth", "admin", "sessions", "contenttypes")
DATABASE_USERS_ALIAS = USERS_ALIAS

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: Empty means no Redis: the embedded run keeps tasks and the bus in process.
REDIS_URL = read("REDIS_URL", "str", "")

# --- Degradation flags (common/degradation.py) ------------------------------------------
#: Seconds a process trusts its copy of the degradation flags before reading them again.
DEGRADATION_TTL_SECONDS = read("DEGRADATION_TTL_SECONDS", "float", 2.0)
#: Seconds to wait for Redis when reading the flags; past it they read off (normal).
DEGRADATION_REDIS_TIMEOUT = read("DEGRADATION_REDIS_TIMEOUT", "float", 0.25)
