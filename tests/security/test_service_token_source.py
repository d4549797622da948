"""A service keeps its client-credentials token and asks identity again only near expiry."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from common.auth.service_tokens import ServiceTokenSource, ServiceTokenUnavailable


@pytest.fixture
def token_endpoint():
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            ok = body["client_secret"] == "cs_right"
            answer = {"access_token": f"token-{len(requests)}", "expires_in": 300}
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(answer if ok else {"status": 401}).encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1/identity/auth/token", requests
    server.shutdown()


def test_the_token_is_reused_until_it_nears_expiry(token_endpoint):
    url, requests = token_endpoint
    now = {"t": 0.0}
    source = ServiceTokenSource(
        token_url=url, client_id="gateway", client_secret="cs_right", audience="learning",
        clock=lambda: now["t"],
    )  # fmt: skip
    assert {source.token() for _ in range(50)} == {"token-1"}
    now["t"] = 269.0
    assert source.token() == "token-1"
    now["t"] = 271.0  # within the 30 s margin of the 300 s lifetime
    assert source.token() == "token-2"
    assert requests[0] == {
        "grant_type": "client_credentials", "client_id": "gateway",
        "client_secret": "cs_right", "audience": "learning",
    }  # fmt: skip


def test_refused_credentials_raise(token_endpoint):
    url, _ = token_endpoint
    source = ServiceTokenSource(
        token_url=url, client_id="gateway", client_secret="cs_wrong", audience="learning"
    )
    with pytest.raises(ServiceTokenUnavailable):
        source.token()
