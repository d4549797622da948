"""``python -m legacy_adapter.reference_service --port 8090``: serve the stand-in.

A threaded standard-library server: enough for demos and tests (the real legacy system
sits behind ``LEGACY_BASE_URL`` in production). SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from legacy_adapter.reference_service.app import make_app
from legacy_adapter.reference_service.store import Store


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--db", type=Path, default=Path("var/legacy.sqlite3"))
    args = parser.parse_args(argv)
    app = make_app(Store(args.db))
    server = make_server(args.host, args.port, app, _ThreadingServer, _QuietHandler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"reference legacy service on http://{args.host}:{server.server_port}/", flush=True)
    server.serve_forever()
    server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
