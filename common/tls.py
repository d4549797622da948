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

:func:`server_context` is the other side, for a listener of our own (the workers' metrics
server, ``common/observability/worker_server.py``; gunicorn builds its own from the same
mounted files): rebuilt when the certificate or key file changes, so a renewal is served
to the next connection without a restart, as gunicorn does.
"""

from __future__ import annotations

import hashlib
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


@lru_cache(maxsize=4)
def _server_context(certfile: str, keyfile: str, _contents: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    return context


#: The last context each (certificate, key) pair loaded: served while a renewal is half
#: written (a certificate and key written one after the other, in place, do not match).
_last_served: dict[tuple[str, str], ssl.SSLContext] = {}


def server_context(certfile: str, keyfile: str) -> ssl.SSLContext:
    """The context to serve a new connection with: rebuilt when either file's content
    changes (two small reads per connection; a file's time or inode can stay the same
    when it is rewritten in place within one clock tick, its content cannot).

    A mounted Secret's keys are links through ``..data``, which the kubelet swaps in one
    rename, so a reader sees the old pair or the new one. Should the pair not load
    anyway (a key written before its certificate, by anything that writes them in
    place), the previous pair is served until both files agree.
    """
    pair = (certfile, keyfile)
    try:
        digest = hashlib.sha256()
        for path in pair:
            with open(path, "rb") as file:
                digest.update(file.read())
            digest.update(b"\0")
        context = _server_context(certfile, keyfile, digest.hexdigest())
    except (OSError, ssl.SSLError):
        if pair not in _last_served:
            raise
        return _last_served[pair]
    _last_served[pair] = context
    return context
