"""Process identity, security basics, installed apps and middleware."""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from config import keys
from config.env import BASE_DIR, choice, read
from config.services import SERVICE_CHOICES, selected_parts, serves_admin

SERVICE = choice("SERVICE", SERVICE_CHOICES, "all")
PARTS = selected_parts(SERVICE)
#: The users' part also serves Django's auth, sessions and admin (their tables point
#: at users). Other parts install none of them: they hold no user table and will
#: authenticate requests from tokens alone.
SERVES_ADMIN = serves_admin(PARTS)

DEBUG = read("DEBUG", "bool", False)

_DEV_SECRET_KEY = "insecure-dev-key"  # noqa: S105 - refused unless DEBUG is on
SECRET_KEY = read("SECRET_KEY", "str", "")
if not keys.strong_key(SECRET_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            f"Set the SECRET_KEY environment variable to a random value of {keys.RULE} "
            f"(DEBUG is off, so a missing, short or placeholder key is refused): {keys.GENERATE}"
        )
    SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY

#: Host headers this process answers: the public host(s) every process shares, plus
#: ``INTERNAL_HOSTS``, the names other platform processes reach this one by (a domain's
#: Service name, which the gateway sends). Kept apart so a per-process list adds to the
#: shared one instead of replacing it: behind the Ingress a domain answers both.
ALLOWED_HOSTS = [
    *read("ALLOWED_HOSTS", "list", ["localhost", "127.0.0.1", "[::1]", "testserver"]),
    *read("INTERNAL_HOSTS", "list", []),
]
#: Networks whose IP addresses are accepted as a Host header (django-allow-cidr): the
#: kubelet's probes and Prometheus address a pod by its IP, which no host list can name.
#: Empty (the default) leaves the middleware out.
ALLOWED_CIDR_NETS = read("ALLOWED_CIDR_NETS", "list", [])
for _net in ALLOWED_CIDR_NETS:
    try:
        ipaddress.ip_network(_net)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"The ALLOWED_CIDR_NETS environment variable is invalid ({_net!r}): {exc}"
        ) from None
CSRF_TRUSTED_ORIGINS = read("CSRF_TRUSTED_ORIGINS", "list", [])

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "eventing",
]
if SERVES_ADMIN:
    INSTALLED_APPS = [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.admin",
        "django.contrib.sessions",
        "django.contrib.messages",
        *INSTALLED_APPS,
    ]
INSTALLED_APPS += [app for part in PARTS for app in part.apps]
# Its ready() composes the process, every app being loaded by then (config.composition).
INSTALLED_APPS += ["config.composition.CompositionConfig"]

MIDDLEWARE = [
    # First: it validates the Host itself (ALLOWED_HOSTS, then ALLOWED_CIDR_NETS) after
    # setting ALLOWED_HOSTS to "*" at start-up, so nothing may call request.get_host()
    # before it. (CorsMiddleware, put ahead of this list in security.py, never reads it.)
    "allow_cidr.middleware.AllowCIDRMiddleware",
    "common.observability.middleware.RequestContextMiddleware",
    "common.observability.middleware.MetricsMiddleware",
    # Beyond the process's capacity: 503 + Retry-After at once; probes bypass it. And
    # each request's deadline (common.shedding).
    "common.shedding.LoadSheddingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A view failing because its database is away answers 503 + Retry-After, not 500.
    "common.outages.DatabaseOutageMiddleware",
    # The strangler gateway: legacy API paths (not /api/v1/) routed by the route table.
    *(["gateway.middleware.GatewayMiddleware"] if any(p.name == "gateway" for p in PARTS) else []),
]
if SERVES_ADMIN:
    MIDDLEWARE += [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ]
MIDDLEWARE += ["django.middleware.clickjacking.XFrameOptionsMiddleware"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                *(
                    [
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                    if SERVES_ADMIN
                    else []
                ),
            ],
        },
    },
]

AUTH_USER_MODEL = "identity.User"
# PASSWORD_HASHERS (Argon2 with the platform's parameters) is in security.py.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Security headers; HSTS and secure cookies switch on outside DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = read("SESSION_COOKIE_SECURE", "bool", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = read("SECURE_HSTS_SECONDS", "int", 0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = read("SECURE_HSTS_INCLUDE_SUBDOMAINS", "bool", not DEBUG)
SECURE_HSTS_PRELOAD = read("SECURE_HSTS_PRELOAD", "bool", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
#: Redirect http to https here. Off by default: the Ingress terminates TLS and redirects
#: (``force-ssl-redirect``, deploy/k8s/base/common/ingress.yaml), while probes, scrapes
#: and the gateway's calls to domain processes stay plain http inside the cluster.
SECURE_SSL_REDIRECT = read("SECURE_SSL_REDIRECT", "bool", False)
#: Says the edge redirects to https, so ``check --deploy`` need not warn (W008).
TLS_REDIRECTED_AT_EDGE = read("TLS_REDIRECTED_AT_EDGE", "bool", False)
