"""The TLS context of every call one part of the platform makes to another.

The system's trust store plus the cluster's internal CA (``INTERNAL_CA_FILE``), hostname
checks on, TLS 1.2 at least. The JWKS fetch, service tokens, the gateway's calls to the
domains and to legacy all take it, so a certificate from any other authority is refused
the same way everywhere. Redis and PostgreSQL take their CA from their own URLs and
options (config/settings/tls.py); both read the file at each new connection.

The context is kept while the CA file is unchanged and rebuilt when it changes (the
kubelet updates a mounted Secret in place), so a CA bundle rotated by cert-manager is
trusted without restarting anything. Hand-written because ``ssl.create_default_context``
does the work; this only adds the one file and notices when it changes.
"""

from __future__ import annotations

import os
import ssl
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=4)
def _context(ca_file: str, _changed: int) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def client_context() -> ssl.SSLContext:
    """The context for calls to other parts (rebuilt only when the CA file changes)."""
    ca_file = settings.INTERNAL_CA_FILE
    changed = os.stat(ca_file).st_mtime_ns if ca_file else 0
    return _context(ca_file, changed)
