"""An HTTPS server on 127.0.0.1 for tests of callers that verify certificates.

The TLS tests (the JWKS fetch, the legacy client, the rehearsal's caller check and its
forwarder) each need a server presenting a given certificate and answering GETs; only
the answer differs, so it is the one thing a test passes.
"""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Callable
from email.message import Message
from pathlib import Path

#: (status, body) for a GET, from its request headers.
Answer = Callable[[Message], tuple[int, bytes]]


def https_stub(cert_file: str | Path, key_file: str | Path, answer: Answer):
    """A started ``ThreadingHTTPServer`` serving TLS with ``cert_file``/``key_file`` and
    answering every GET with ``answer(headers)``. The caller calls ``shutdown()`` and
    ``server_close()``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = answer(self.headers)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
