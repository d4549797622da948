"""``/health``, ``/ready`` and ``/metrics`` for worker processes (relay, consumers, Celery).

Workers serve no Django HTTP, yet Kubernetes probes them and Prometheus scrapes them;
a small threaded server from the standard library on ``METRICS_PORT`` does both, with
the same readiness checks as the web processes and the same scrape token (a pod's port
is reachable from the whole cluster network wherever a policy does not stop it).

With ``METRICS_CERT_FILE`` and ``METRICS_KEY_FILE`` set (every Kubernetes worker: its
cert-manager Secret, as the web parts' gunicorn) it serves HTTPS only, so the scrape
token never crosses the network in clear text. Each connection's handshake runs in that
connection's own thread (a client that connects and says nothing cannot hold up the
probes), with the context of ``common.tls.server_context``: a renewed certificate in the
mounted files is served to the next connection, without a restart. Without them (the
embedded run, docker compose, whose web parts are plain HTTP too) it serves plain HTTP.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.db import close_old_connections

from common.health.checks import readiness
from common.observability.access import scraper_allowed
from common.observability.metrics import render
from common.tls import server_context

#: How long a connection may take to finish its handshake and send its request: a probe
#: or scrape takes milliseconds; a stalled client must not keep a thread forever.
CONNECTION_TIMEOUT_SECONDS = 30


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, b'{"status": "alive"}', "application/json")
        elif self.path == "/ready":
            try:
                code, body = readiness()
            finally:
                close_old_connections()
            self._send(code, json.dumps(body).encode(), "application/json")
        elif self.path == "/metrics" and scraper_allowed(self.headers.get("Authorization")):
            payload, content_type = render()
            self._send(200, payload, content_type)
        else:
            self._send(404, b'{"status": 404, "title": "Not Found"}', "application/problem+json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        return


class _TLSServer(ThreadingHTTPServer):
    """HTTPS: each accepted connection wrapped, in its own thread, with the context of
    the certificate files as they are now."""

    def __init__(self, address: tuple[str, int], certfile: str, keyfile: str) -> None:
        self.certfile, self.keyfile = certfile, keyfile
        server_context(certfile, keyfile)  # an unreadable pair fails at start, not per scrape
        super().__init__(address, _Handler)

    def finish_request(self, request: socket.socket, client_address) -> None:
        request.settimeout(CONNECTION_TIMEOUT_SECONDS)
        try:
            tls = server_context(self.certfile, self.keyfile).wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # plain HTTP, or a client that refused our certificate: no answer to give
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()


def start_worker_server(port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:  # noqa: S104
    """Serve in a daemon thread; the caller's process lifetime bounds it. HTTPS when
    ``METRICS_CERT_FILE`` is set (config/settings/tls.py), plain HTTP otherwise."""
    if settings.METRICS_CERT_FILE:
        server = _TLSServer((host, port), settings.METRICS_CERT_FILE, settings.METRICS_KEY_FILE)
    else:
        server = ThreadingHTTPServer((host, port), _Handler)
    threading.Thread(target=server.serve_forever, name="worker-http", daemon=True).start()
    return server
