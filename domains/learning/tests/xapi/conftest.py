"""Fixtures for the xAPI conformance tests: an LRS client's credentials and a test
client that sends them with the version header, as a learning tool would."""

import base64
import json
import uuid

import pytest
from django.test import Client

from domains.learning.services.clients import lrs_client_create

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def basic(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


class Lrs:
    """A Django test client speaking xAPI with one client's credentials."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.client = Client()
        self.headers = {**VERSION, **headers}

    def request(self, method: str, path: str, body=None, *, content_type="application/json",
                query: str = "", **extra):  # fmt: skip
        url = f"/xapi/{path}" + (f"?{query}" if query else "")
        data = body if isinstance(body, bytes | str) or body is None else json.dumps(body)
        return self.client.generic(
            method, url, data or "", content_type=content_type, **{**self.headers, **extra}
        )

    def get(self, path: str, params: dict | None = None, **extra):
        return self.client.get(f"/xapi/{path}", params or {}, **{**self.headers, **extra})

    def post(self, body, **extra):
        return self.request("POST", "statements", body, **extra)

    def put(self, statement_id, body, **extra):
        return self.request("PUT", "statements", body, query=f"statementId={statement_id}", **extra)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """No rate-limit counters (the root conftest resets the JWKS cache)."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def lrs_client():
    return lrs_client_create(name="Course player")


@pytest.fixture
def lrs(lrs_client):
    client, secret = lrs_client
    return Lrs(basic(client.key, secret))


def statement(**overrides):
    """A valid statement; keyword arguments replace top-level properties."""
    body = {
        "actor": {"objectType": "Agent", "name": "Ana", "mbox": "mailto:ana@example.com"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed"},
        },
        "object": {
            "objectType": "Activity",
            "id": "https://learn.example.org/courses/django-basics",
            "definition": {"name": {"en-US": "Django basics", "es": "Django básico"}},
        },
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def new_id() -> str:
    return str(uuid.uuid4())
