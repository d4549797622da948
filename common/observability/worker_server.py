"""``/health``, ``/ready`` and ``/metrics`` for worker processes (relay, consumers, Celery).

Workers serve no Django HTTP, yet Kubernetes probes them and Prometheus scrapes them;
a small threaded server from the standard library on ``METRICS_PORT`` does both, with
the same readiness checks as the web processes and the same scrape token (a pod's port
is reachable from the whole cluster network wherever a policy does not stop it).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import close_old_connections

from common.health.checks import readiness
from common.observability.access import scraper_allowed
from common.observability.metrics import render


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


def start_worker_server(port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:  # noqa: S104
    """Serve in a daemon thread; the caller's process lifetime bounds it."""
    server = ThreadingHTTPServer((host, port), _Handler)
    threading.Thread(target=server.serve_forever, name="worker-http", daemon=True).start()
    return server
