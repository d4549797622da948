"""``SERVICE=<part>`` serves only that part's URLs and needs only its own database."""

import json

import pytest

from tests.processes import clean_environment, database_urls_for, run_django

pytestmark = pytest.mark.django_db(databases="__all__")

PROBE = """
import json
from django.conf import settings
from django.test import Client
c = Client()
paths = {p: c.get(p) for p in PATHS}
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "engines": {a: c["ENGINE"] for a, c in settings.DATABASES.items()},
    "apps": [a for a in settings.INSTALLED_APPS if a.startswith(("domains.", "gateway"))],
    "status": {p: r.status_code for p, r in paths.items()},
    "types": {p: r.get("Content-Type") for p, r in paths.items()},
    "ready": paths["/ready"].json() if "/ready" in paths else None,
}))
"""


def _probe(service: str, aliases: tuple[str, ...], paths: list[str]) -> dict:
    env = clean_environment(SERVICE=service, **database_urls_for(*aliases))
    result = run_django(f"PATHS = {paths!r}\n" + PROBE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_learning_process_serves_learning_and_404s_other_domains():
    paths = [
        "/api/v1/learning/activities",
        "/api/v1/marketplace/spaces",
        "/api/v1/governance/proposals",
        "/admin/",
        "/health",
        "/ready",
        "/api/schema/",
    ]
    outcome = _probe("learning", ("learning",), paths)
    assert outcome["apps"] == ["domains.learning"]
    assert outcome["status"]["/api/v1/learning/activities"] == 200
    assert outcome["status"]["/api/v1/marketplace/spaces"] == 404
    assert outcome["types"]["/api/v1/marketplace/spaces"] == "application/problem+json"
    assert outcome["status"]["/api/v1/governance/proposals"] == 404
    assert outcome["status"]["/admin/"] == 404
    assert outcome["status"]["/health"] == 200
    assert outcome["status"]["/api/schema/"] == 200
    # Only its own database is configured; `default` is a dummy that refuses use.
    assert outcome["engines"]["default"] == "django.db.backends.dummy"
    assert set(outcome["ready"]["checks"]) == {"database:learning"}
    assert outcome["status"]["/ready"] == 200


def test_gateway_process_uses_only_the_default_database():
    outcome = _probe("gateway", ("default",), ["/api/v1/learning/activities", "/ready"])
    assert outcome["apps"] == ["gateway"]
    assert outcome["status"]["/api/v1/learning/activities"] == 404
    assert set(outcome["ready"]["checks"]) == {"database:default"}


def test_identity_process_serves_the_admin_with_the_users():
    outcome = _probe("identity", ("identity",), ["/admin/login/", "/api/v1/learning/activities"])
    assert outcome["status"]["/admin/login/"] == 200
    assert outcome["status"]["/api/v1/learning/activities"] == 404
