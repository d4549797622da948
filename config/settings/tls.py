"""TLS between the platform's parts (docs/security.md, "Encryption in transit").

- ``INTERNAL_CA_FILE``: the PEM bundle of the certificate authority that issues the
  cluster's internal certificates (cert-manager's CA issuer). Every call from one part
  to another trusts it beside the system store (``common.tls.client_context``); empty:
  the system store alone.
- ``INTERNAL_TLS_REQUIRED`` (on in the Kubernetes overlays): every address of another
  part must use TLS with verification — ``AUTH_JWKS_URL``, ``GATEWAY_NEW_BASE_URLS`` and
  ``LEGACY_BASE_URL`` over ``https://``, ``REDIS_URL`` over ``rediss://`` with
  certificate checks, PostgreSQL with ``sslmode=verify-full``. A process configured
  otherwise refuses to start and names the variable, so a plain-text hop cannot be
  deployed by mistake. A worker serving ``METRICS_PORT`` must serve it over HTTPS.
- ``METRICS_CERT_FILE`` / ``METRICS_KEY_FILE``: the certificate and key a worker's
  ``METRICS_PORT`` serves HTTPS with (``common/observability/worker_server.py``; the web
  parts' gunicorn takes the same files as ``--certfile``/``--keyfile``). Both or neither;
  empty: plain HTTP (the embedded run and docker compose).
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import read
from config.settings.data import DATABASES, REDIS_URL
from config.settings.gateway import GATEWAY_NEW_BASE_URLS, LEGACY_BASE_URL
from config.settings.observability import METRICS_PORT
from config.settings.security import AUTH_JWKS_URL

INTERNAL_CA_FILE = read("INTERNAL_CA_FILE", "str", "")
if INTERNAL_CA_FILE and not Path(INTERNAL_CA_FILE).is_file():
    raise ImproperlyConfigured(
        f"The INTERNAL_CA_FILE environment variable names {INTERNAL_CA_FILE!r}, "
        "which is not a readable file."
    )
INTERNAL_TLS_REQUIRED = read("INTERNAL_TLS_REQUIRED", "bool", False)

METRICS_CERT_FILE = read("METRICS_CERT_FILE", "str", "")
METRICS_KEY_FILE = read("METRICS_KEY_FILE", "str", "")
if bool(METRICS_CERT_FILE) != bool(METRICS_KEY_FILE):
    raise ImproperlyConfigured(
        "METRICS_CERT_FILE and METRICS_KEY_FILE go together: set both (HTTPS on "
        "METRICS_PORT) or neither (plain HTTP)."
    )
for _name, _path in (
    ("METRICS_CERT_FILE", METRICS_CERT_FILE),
    ("METRICS_KEY_FILE", METRICS_KEY_FILE),
):
    if _path and not Path(_path).is_file():
        raise ImproperlyConfigured(
            f"The {_name} environment variable names {_path!r}, which is not a readable file."
        )


def plain_text_hops() -> list[str]:
    """The settings that would send traffic between parts without verified TLS."""
    hops = []
    urls = {"AUTH_JWKS_URL": AUTH_JWKS_URL, "LEGACY_BASE_URL": LEGACY_BASE_URL}
    urls.update({f"GATEWAY_NEW_BASE_URLS[{d}]": u for d, u in GATEWAY_NEW_BASE_URLS.items()})
    hops += [f"{name} ({url})" for name, url in urls.items() if urlsplit(url).scheme != "https"]
    if REDIS_URL:
        redis = urlsplit(REDIS_URL)
        checks = parse_qs(redis.query).get("ssl_cert_reqs", ["required"])[-1].lower()
        if redis.scheme != "rediss" or checks in ("none", "optional"):
            hops.append("REDIS_URL (needs rediss:// with ssl_cert_reqs=required)")
    for alias, config in DATABASES.items():
        sslmode = config.get("OPTIONS", {}).get("sslmode")
        if config["ENGINE"].endswith("postgresql") and sslmode != "verify-full":
            hops.append(f"DATABASE_SSLMODE for {alias!r} ({sslmode}, needs verify-full)")
    if METRICS_PORT and not METRICS_CERT_FILE:
        hops.append(f"METRICS_PORT ({METRICS_PORT}, plain HTTP: needs METRICS_CERT_FILE)")
    return hops


if INTERNAL_TLS_REQUIRED and (_hops := plain_text_hops()):
    raise ImproperlyConfigured(
        "INTERNAL_TLS_REQUIRED is on, but these would talk to another part without "
        f"verified TLS: {', '.join(_hops)}."
    )
