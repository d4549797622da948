"""Settings of the passport part (every value from the environment, via config.env.read)."""

from config.env import read
from config.settings.learning import LRS_AUTHORITY_HOMEPAGE

#: The issuer's Ed25519 private key as 64 hex digits (its seed). Empty: derived from
#: SECRET_KEY (development only; credentials then stop verifying if SECRET_KEY changes).
PASSPORT_ISSUER_KEY_SEED = read("PASSPORT_ISSUER_KEY_SEED", "str", "")
#: The public origin credentials' ids and links are made of (``<origin>/p/<id>``).
PASSPORT_PUBLIC_ORIGIN = read("PASSPORT_PUBLIC_ORIGIN", "str", "http://127.0.0.1:8000")
#: The issuer's display name in credentials.
PASSPORT_ISSUER_NAME = read("PASSPORT_ISSUER_NAME", "str", "Learning Community Platform")
#: How long a status list snapshot is valid: offline verification works until then.
PASSPORT_STATUS_LIST_TTL_SECONDS = read("PASSPORT_STATUS_LIST_TTL_SECONDS", "int", 86_400)
#: Default lifetime of an issued credential in days (0: no expiry unless asked).
PASSPORT_CREDENTIAL_DAYS = read("PASSPORT_CREDENTIAL_DAYS", "int", 365)
#: xAPI ``account`` IFIs with this home page name platform members by id (the LRS's
#: ``<LRS_AUTHORITY_HOMEPAGE>/members``): their passports belong to that member.
PASSPORT_MEMBER_ACCOUNT_HOMEPAGE = read(
    "PASSPORT_MEMBER_ACCOUNT_HOMEPAGE", "str", f"{LRS_AUTHORITY_HOMEPAGE}/members"
)
#: Which writers' statements count as evidence for passports and reputation, beyond a
#: member's own statements about themselves: "<authority> [<verb prefix> [<activity
#: prefix>]]" per entry, authority ``clients/<key>`` or ``<kind>/*`` (kinds: clients,
#: services, imports), ``*`` for any verb or activity. E.g. trust one tool only for its
#: own courses: ``clients/lrs_0a1b * https://course.example/``.
EVIDENCE_TRUSTED_AUTHORITIES = read(
    "EVIDENCE_TRUSTED_AUTHORITIES", "list", ["clients/*", "services/*", "imports/*"]
)
#: Seconds between catch-ups of passport re-aggregations deferred while degraded.
PASSPORT_CATCH_UP_SECONDS = read("PASSPORT_CATCH_UP_SECONDS", "float", 30.0)

from config.settings.tasks import CELERY_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE["passport-reaggregate-pending"] = {
    "task": "passport.reaggregate_pending",
    "schedule": PASSPORT_CATCH_UP_SECONDS,
}
