"""Identity and API security: token verification, token lifetimes, key rotation,
rate limits, lock-out, CORS and security headers (docs/security.md).

Every value comes from the environment (``.env.example``, section "Security") with a
safe default for the embedded run.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import read
from config.settings.core import (
    DEBUG,
    SECRET_KEY,
    SECURE_SSL_REDIRECT,
    SERVES_ADMIN,
    TLS_REDIRECTED_AT_EDGE,
)
from config.settings.core import INSTALLED_APPS as _CORE_APPS
from config.settings.core import MIDDLEWARE as _CORE_MIDDLEWARE
from config.settings.data import REDIS_URL

INSTALLED_APPS = [*_CORE_APPS, "corsheaders", "django_ratelimit"]
# CORS answers preflight requests before anything else looks at them.
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    *_CORE_MIDDLEWARE,
    "common.api.headers.SecurityHeadersMiddleware",
]

# --- Access tokens ------------------------------------------------------------------
AUTH_ALGORITHMS = ("EdDSA",)
#: ``iss`` of every access token; the URL of identity as clients know it.
AUTH_ISSUER = read("AUTH_ISSUER", "str", "urn:learning-community:identity")
#: ``aud`` of members' tokens (any part accepts them); service tokens name one part.
AUTH_AUDIENCE = read("AUTH_AUDIENCE", "str", "platform")
AUTH_REALM = "learning-community"
AUTH_CLOCK_LEEWAY_SECONDS = read("AUTH_CLOCK_LEEWAY_SECONDS", "int", 30)
AUTH_ACCESS_TOKEN_SECONDS = read("AUTH_ACCESS_TOKEN_SECONDS", "int", 300)
AUTH_REFRESH_TOKEN_DAYS = read("AUTH_REFRESH_TOKEN_DAYS", "int", 30)
AUTH_SERVICE_TOKEN_SECONDS = read("AUTH_SERVICE_TOKEN_SECONDS", "int", 300)
#: Longest lifetime (exp - iat) a verified token may claim, whoever signed it: a token
#: minted for a year is refused. At least every lifetime the platform issues.
AUTH_MAX_TOKEN_SECONDS = read("AUTH_MAX_TOKEN_SECONDS", "int", 3600)
if max(AUTH_ACCESS_TOKEN_SECONDS, AUTH_SERVICE_TOKEN_SECONDS) > AUTH_MAX_TOKEN_SECONDS:
    raise ImproperlyConfigured(
        "AUTH_MAX_TOKEN_SECONDS must be at least the access and service token lifetimes."
    )
#: How long a replaced client secret keeps working, so services can roll out the new one.
AUTH_SERVICE_SECRET_OVERLAP_HOURS = read("AUTH_SERVICE_SECRET_OVERLAP_HOURS", "int", 24)

# --- JWKS: where processes get the public keys --------------------------------------
#: Where identity is served, keys come from its database through this provider.
AUTH_JWKS_PROVIDER = "domains.identity.selectors.jwks_document" if SERVES_ADMIN else ""
AUTH_JWKS_URL = read("AUTH_JWKS_URL", "str", "http://127.0.0.1:8000/.well-known/jwks.json")
AUTH_JWKS_TIMEOUT = read("AUTH_JWKS_TIMEOUT", "float", 3.0)
AUTH_JWKS_CACHE_SECONDS = read("AUTH_JWKS_CACHE_SECONDS", "int", 300)
AUTH_JWKS_MIN_REFRESH_SECONDS = read("AUTH_JWKS_MIN_REFRESH_SECONDS", "int", 10)
if AUTH_JWKS_MIN_REFRESH_SECONDS > AUTH_JWKS_CACHE_SECONDS:
    raise ImproperlyConfigured(
        "AUTH_JWKS_MIN_REFRESH_SECONDS must not exceed AUTH_JWKS_CACHE_SECONDS."
    )

#: Encrypts signing keys' private halves at rest; falls back to SECRET_KEY.
IDENTITY_KEY_ENCRYPTION_SECRET = read("IDENTITY_KEY_ENCRYPTION_SECRET", "str", "") or SECRET_KEY

# --- Passwords (docs/security.md: why these Argon2 parameters) ------------------------
ARGON2_TIME_COST = read("ARGON2_TIME_COST", "int", 2)
ARGON2_MEMORY_KIB = read("ARGON2_MEMORY_KIB", "int", 19456)
ARGON2_PARALLELISM = read("ARGON2_PARALLELISM", "int", 1)
PASSWORD_HASHERS = [
    "domains.identity.hashers.PlatformArgon2PasswordHasher",
    # Verifies hashes made with Django's own Argon2 defaults and upgrades them.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

#: The admin's sign-in through the API login's lock-out (domains/identity/admin_login.py).
AUTHENTICATION_BACKENDS = ["domains.identity.admin_login.PlatformBackend"] if SERVES_ADMIN else []

# --- E-mail (verification, password reset) ------------------------------------------
_CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"
_FILE_MAIL = "django.core.mail.backends.filebased.EmailBackend"
_SMTP_MAIL = "django.core.mail.backends.smtp.EmailBackend"
#: Outside DEBUG, SMTP (EMAIL_HOST, EMAIL_PORT, ...: Django's settings, from the env).
EMAIL_BACKEND = read("EMAIL_BACKEND", "str", "") or (_CONSOLE_MAIL if DEBUG else _SMTP_MAIL)
#: The console and file backends write verification and reset links (account takeover
#: tokens) where logs go: refused outside DEBUG unless this says it is on purpose.
EMAIL_ALLOW_CONSOLE = read("EMAIL_ALLOW_CONSOLE", "bool", False)
if not (DEBUG or EMAIL_ALLOW_CONSOLE) and EMAIL_BACKEND in (_CONSOLE_MAIL, _FILE_MAIL):
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND} with DEBUG off would write password-reset and "
        "verification tokens to the logs; configure SMTP (EMAIL_HOST, ...) or set "
        "EMAIL_ALLOW_CONSOLE=true for a throw-away environment."
    )
EMAIL_HOST = read("EMAIL_HOST", "str", "localhost")
EMAIL_PORT = read("EMAIL_PORT", "int", 25)
EMAIL_HOST_USER = read("EMAIL_HOST_USER", "str", "")
EMAIL_HOST_PASSWORD = read("EMAIL_HOST_PASSWORD", "str", "")
EMAIL_USE_TLS = read("EMAIL_USE_TLS", "bool", False)
EMAIL_TIMEOUT = read("EMAIL_TIMEOUT", "int", 10)
DEFAULT_FROM_EMAIL = read("DEFAULT_FROM_EMAIL", "str", "no-reply@learning-community.local")
#: The SMTP server of ``django.core.mail.backends.smtp.EmailBackend`` (compose: its sink).
EMAIL_HOST = read("EMAIL_HOST", "str", "localhost")
EMAIL_PORT = read("EMAIL_PORT", "int", 25)
EMAIL_HOST_USER = read("EMAIL_HOST_USER", "str", "")
EMAIL_HOST_PASSWORD = read("EMAIL_HOST_PASSWORD", "str", "")
EMAIL_USE_TLS = read("EMAIL_USE_TLS", "bool", False)
EMAIL_TIMEOUT = read("EMAIL_TIMEOUT", "int", 10)
#: Where the links in those e-mails point (the web client's pages).
IDENTITY_FRONTEND_URL = read("IDENTITY_FRONTEND_URL", "str", "http://127.0.0.1:8000")
IDENTITY_EMAIL_TOKEN_HOURS = read("IDENTITY_EMAIL_TOKEN_HOURS", "int", 48)
PASSWORD_RESET_TIMEOUT = read("PASSWORD_RESET_TIMEOUT", "int", 3600)

# --- Rate limits and lock-out --------------------------------------------------------
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Its keys share Redis with the event bus: the prefix keeps them apart.
    "ratelimit": (
        {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ratelimit",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    ),
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_ENABLE = read("RATELIMIT_ENABLE", "bool", True)
#: Client IP behind the ingress (e.g. HTTP_X_REAL_IP); empty uses REMOTE_ADDR.
RATELIMIT_IP_META_KEY = read("RATELIMIT_IP_META_KEY", "str", "") or None
RATELIMIT_DEFAULT_RATE = read("RATELIMIT_DEFAULT_RATE", "str", "300/m")
#: Per endpoint, by route name: "identity:login=5/m,identity:register=3/m".
RATELIMIT_ROUTE_RATES = read("RATELIMIT_ROUTE_RATES", "dict", {})
LOGIN_RATE = read("LOGIN_RATE", "str", "10/m")
#: Per address, on sign-up and on the reset/verification routes (mail spam, token guessing).
REGISTRATION_RATE = read("REGISTRATION_RATE", "str", "20/h")
PASSWORD_RESET_RATE = read("PASSWORD_RESET_RATE", "str", "10/h")
LOGIN_LOCKOUT_THRESHOLD = read("LOGIN_LOCKOUT_THRESHOLD", "int", 5)
LOGIN_LOCKOUT_SECONDS = read("LOGIN_LOCKOUT_SECONDS", "int", 900)
# django-ratelimit's check knows django-redis by name, not Django's own RedisCache
# (ours keeps a client per pool), which is shared and increments atomically (INCR).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    # The embedded run is one process: its own memory is a correct shared cache.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003"]
if TLS_REDIRECTED_AT_EDGE and not SECURE_SSL_REDIRECT:
    # The Ingress redirects http to https before a request reaches Django.
    SILENCED_SYSTEM_CHECKS += ["security.W008"]

# --- /metrics --------------------------------------------------------------------------
#: /metrics answers only "Authorization: Bearer <this>" (the ServiceMonitors'
#: ``authorization`` from the process's Secret), 404 to anyone else, on the web port and
#: on a worker's METRICS_PORT alike (common/observability/access.py). The Ingress sends
#: every unnamed path to the gateway, so the web port is public: with DEBUG off a
#: missing or short token stops start-up rather than leaving the metrics open.
METRICS_TOKEN = read("METRICS_TOKEN", "str", "")
METRICS_TOKEN_MIN_LENGTH = 32
if not DEBUG and len(METRICS_TOKEN) < METRICS_TOKEN_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"Set the METRICS_TOKEN environment variable to a random value of at least "
        f"{METRICS_TOKEN_MIN_LENGTH} characters (DEBUG is off, and /metrics is reachable "
        'through the public entry): python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )

# --- CORS and headers ----------------------------------------------------------------
CORS_ALLOWED_ORIGINS = read("CORS_ALLOWED_ORIGINS", "list", [])
CORS_URLS_REGEX = r"^/(api|\.well-known)/.*$"
CORS_EXPOSE_HEADERS = [
    "Retry-After", "Deprecation", "Sunset", "Link", "WWW-Authenticate", "X-Degraded",
]  # fmt: skip
CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: Admin and Swagger UI: own assets only (Swagger UI's init script is inline).
CSP_PAGES = read(
    "CSP_PAGES",
    "str",
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
)
#: Paths whose answers carry what callers stored (xAPI documents): never rendered.
DOWNLOAD_ONLY_PATH_PREFIXES = ("/xapi/",)
CSP_DOWNLOADS = (
    "sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"
