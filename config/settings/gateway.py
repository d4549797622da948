"""Settings of the gateway part (every value from the environment, via config.env.read)."""

from django.core.exceptions import ImproperlyConfigured

from config import services
from config.env import read
from config.settings.core import PARTS

# --- the legacy system (legacy_adapter) ---------------------------------------------------
#: Where the legacy system answers. Development runs the reference stand-in
#: (``python -m legacy_adapter.reference_service``); production points at the real one.
LEGACY_BASE_URL = read("LEGACY_BASE_URL", "str", "http://127.0.0.1:8090")
LEGACY_CONNECT_TIMEOUT = read("LEGACY_CONNECT_TIMEOUT", "float", 0.5)
LEGACY_READ_TIMEOUT = read("LEGACY_READ_TIMEOUT", "float", 2.0)
LEGACY_POOL_SIZE = read("LEGACY_POOL_SIZE", "int", 10)
#: Idempotent calls only: attempts in all, and the time they may take together.
LEGACY_RETRY_ATTEMPTS = read("LEGACY_RETRY_ATTEMPTS", "int", 3)
LEGACY_RETRY_BUDGET_SECONDS = read("LEGACY_RETRY_BUDGET_SECONDS", "float", 3.0)
#: Circuit breaker: outcomes kept, calls needed before judging, rates that open it.
LEGACY_BREAKER_WINDOW = read("LEGACY_BREAKER_WINDOW", "int", 20)
LEGACY_BREAKER_MINIMUM_CALLS = read("LEGACY_BREAKER_MINIMUM_CALLS", "int", 10)
LEGACY_BREAKER_FAILURE_RATE = read("LEGACY_BREAKER_FAILURE_RATE", "float", 0.5)
LEGACY_BREAKER_SLOW_CALL_SECONDS = read("LEGACY_BREAKER_SLOW_CALL_SECONDS", "float", 1.0)
LEGACY_BREAKER_OPEN_SECONDS = read("LEGACY_BREAKER_OPEN_SECONDS", "float", 10.0)

# --- the gateway ----------------------------------------------------------------------------
#: Seconds a process trusts its cached route table before checking the table's version.
GATEWAY_FLAGS_TTL_SECONDS = read("GATEWAY_FLAGS_TTL_SECONDS", "float", 2.0)
#: New-side breaker per route: when it opens, the route falls back to legacy by itself.
GATEWAY_NEW_BREAKER_MINIMUM_CALLS = read("GATEWAY_NEW_BREAKER_MINIMUM_CALLS", "int", 5)
GATEWAY_NEW_BREAKER_FAILURE_RATE = read("GATEWAY_NEW_BREAKER_FAILURE_RATE", "float", 0.5)
GATEWAY_NEW_BREAKER_OPEN_SECONDS = read("GATEWAY_NEW_BREAKER_OPEN_SECONDS", "float", 30.0)
#: Largest request body the gateway accepts (413 above).
GATEWAY_MAX_BODY_BYTES = read("GATEWAY_MAX_BODY_BYTES", "int", 1_048_576)

#: Identity's role catalogue, for cohort rules resolved at save time: a callable's dotted
#: path (configuration, since the gateway may not import domains); empty where identity
#: is not served by this process, which then refuses to set cohort roles.
GATEWAY_ROLE_CATALOGUE = read(
    "GATEWAY_ROLE_CATALOGUE",
    "str",
    "domains.identity.selectors.role_names" if any(p.name == "identity" for p in PARTS) else "",
)

#: The "ready to delete" gate: a capability's routes on new code, and no legacy call
#: to it, for this many days (``manage.py legacy_usage``, ``legacy_retire``).
LEGACY_RETIRE_AFTER_DAYS = read("LEGACY_RETIRE_AFTER_DAYS", "int", 30)

# --- data sync from legacy (legacy_adapter.sync) -----------------------------------------------
#: resource -> (owning domain, the sink it provides): configuration, since the adapter may
#: not import domains.
_DOMAIN_SINKS = {
    "users": ("identity", "domains.identity.sync_sink.UserSink"),
    "activity": ("learning", "domains.learning.sync_sink.LegacyActivitySink"),
    "spaces": ("marketplace", "domains.marketplace.sync_sink.SpaceSink"),
    "bookings": ("marketplace", "domains.marketplace.sync_sink.BookingSink"),
    "proposals": ("governance", "domains.governance.sync_sink.ProposalSink"),
    "votes": ("governance", "domains.governance.sync_sink.VoteSink"),
    "ratings": ("reputation", "domains.reputation.sync_sink.RatingSink"),
}
#: resource -> dotted path of its sink; by default the sinks of the domains this process
#: installs (``SERVICE``). Syncing needs the adapter too, so it runs where both are: the
#: ``SERVICE=all`` Celery worker in Kubernetes, or ``make run``.
LEGACY_SYNC_SINKS = read(
    "LEGACY_SYNC_SINKS",
    "dict",
    {
        resource: path
        for resource, (domain, path) in _DOMAIN_SINKS.items()
        if any(part.name == domain for part in PARTS)
    },
)
#: Legacy course codes become xAPI activity IRIs under this base (``<base><course code>``).
LEGACY_COURSE_IRI_BASE = read(
    "LEGACY_COURSE_IRI_BASE", "str", "https://legacy.learning-community.example/courses/"
)
#: Seconds between incremental syncs (Celery beat).
LEGACY_SYNC_INTERVAL_SECONDS = read("LEGACY_SYNC_INTERVAL_SECONDS", "float", 300.0)

from config.settings.tasks import CELERY_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE["legacy-sync-changes"] = {
    "task": "legacy_adapter.sync_changes",
    "schedule": LEGACY_SYNC_INTERVAL_SECONDS,
}
#: Branch by abstraction: capability -> "legacy" or "new" implementation of its port
#: (``legacy_adapter/ports/<capability>.py``). Every capability is listed, on legacy by
#: default; ``LEGACY_PORTS=spaces=new,members=new`` switches the ones named. An unknown
#: capability or a value other than legacy/new stops start-up.
LEGACY_PORT_CAPABILITIES = ("members", "spaces", "bookings", "proposals", "ratings", "learning")
LEGACY_PORTS = {
    **dict.fromkeys(LEGACY_PORT_CAPABILITIES, "legacy"),
    **{
        name.strip(): str(side).strip().lower()
        for name, side in read("LEGACY_PORTS", "dict", {}).items()
    },
}
_wrong = {
    name: side
    for name, side in LEGACY_PORTS.items()
    if name not in LEGACY_PORT_CAPABILITIES or side not in ("legacy", "new")
}
if _wrong:
    raise ImproperlyConfigured(
        f"The LEGACY_PORTS environment variable is invalid ({_wrong}): use capability=legacy "
        f"or capability=new, capabilities among {', '.join(LEGACY_PORT_CAPABILITIES)}."
    )
#: Split mode: domain -> base URL of the process serving it, comma-separated, spaces
#: allowed (``marketplace=http://marketplace:8000, identity=http://identity:8000``). A
#: route's domain is the ``<domain>`` of its new target ``/api/v1/<domain>/...``.
#: Empty: new handlers are called in this process.
GATEWAY_NEW_BASE_URLS = {
    domain.strip(): url.strip() for domain, url in read("GATEWAY_NEW_BASE_URLS", "dict", {}).items()
}
if _unknown := sorted(set(GATEWAY_NEW_BASE_URLS) - set(services.DOMAINS)):
    raise ImproperlyConfigured(
        f"The GATEWAY_NEW_BASE_URLS environment variable names unknown domains {_unknown}; "
        f"expected some of: {', '.join(services.DOMAINS)}."
    )
