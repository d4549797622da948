"""The TLS context of every call one part of the platform makes to another.

One context per process: the system's trust store plus the cluster's internal CA
(``INTERNAL_CA_FILE``), hostname checks on, TLS 1.2 at least. The JWKS fetch, service
tokens, the gateway's calls to the domains and to legacy all take it, so a certificate
from any other authority is refused the same way everywhere. Redis and PostgreSQL take
their CA from their own URLs and options (config/settings/tls.py).

Hand-written because the standard library's ``ssl.create_default_context`` does all the
work; this only adds the one file, once.
"""

from __future__ import annotations

import ssl
from functools import cache

from django.conf import settings


@cache
def _context(ca_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def client_context() -> ssl.SSLContext:
    """The context for calls to other parts (built once per CA file)."""
    return _context(settings.INTERNAL_CA_FILE)
