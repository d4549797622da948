"""A part without identity (``SERVICE=learning``) verifies tokens locally: it has no
user table, fetches the JWKS over HTTP once and keeps it, and its ``request.user``
is built from the token's claims."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from domains.identity.selectors import jwks_document
from domains.identity.services.tokens import member_access_token
from tests.processes import clean_environment, database_urls_for, run_django
from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases="__all__")

PROBE = """
import json
from django.conf import settings
from django.test import Client
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView
from common.auth.jwks import jwks_cache
c = Client()
statuses = [
    c.get("/api/v1/learning/activities", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code
    for _ in range(20)
]
forged = c.get("/api/v1/learning/activities", HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-4]}AAAA")
request = APIView().initialize_request(
    APIRequestFactory().get("/api/v1/learning/activities", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
)
print(json.dumps({
    "user_model_installed": "django.contrib.auth" in settings.INSTALLED_APPS,
    "statuses": sorted(set(statuses)),
    "forged": forged.status_code,
    "principal": [str(request.user.id), request.user.kind, sorted(request.user.roles)],
    "fetches": jwks_cache().fetches,
}))
"""


@pytest.fixture
def jwks_server():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    document: dict = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, document, hits
    server.shutdown()


def test_learning_verifies_tokens_with_the_jwks_fetched_once_over_http(jwks_server):
    server, document, hits = jwks_server
    user = member("mentor")
    token = member_access_token(user=user)
    document.update(jwks_document())
    env = clean_environment(
        SERVICE="learning",
        AUTH_JWKS_URL=f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json",
        **database_urls_for("learning"),
    )
    result = run_django(f"TOKEN = {token!r}\n" + PROBE, env)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["user_model_installed"] is False
    assert outcome["statuses"] == [200]
    assert outcome["forged"] == 401
    assert outcome["principal"] == [str(user.id), "member", ["learner", "mentor"]]
    assert outcome["fetches"] == 1
    assert hits == ["/.well-known/jwks.json"]
