"""``/health`` and ``/ready`` against real dependencies, and with them taken away.

A database alias pointed at a closed port makes ``/ready`` 503 and names it; Redis
unreachable degrades readiness but keeps it 200, because writes go to the outbox.
"""

import json

import pytest
from django.test import override_settings

from tests.processes import clean_environment, database_urls_for, free_port, run_django

pytestmark = pytest.mark.django_db(databases="__all__")

ALL_ALIASES = (
    "default",
    "identity",
    "learning",
    "reputation",
    "passport",
    "governance",
    "marketplace",
)


def test_health_is_alive(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_ready_checks_every_database_and_redis(client, settings):
    response = client.get("/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    expected = {f"database:{alias}" for alias in ALL_ALIASES}
    if settings.REDIS_URL:
        expected.add("redis")
    assert set(body["checks"]) == expected
    assert all(check["status"] == "up" for check in body["checks"].values())


def test_redis_down_degrades_but_stays_ready(client):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "degraded"
    assert body["checks"]["redis"]["critical"] is False


def test_a_database_on_a_closed_port_makes_ready_503_and_names_it():
    urls = database_urls_for(*ALL_ALIASES)
    urls["DATABASE_URL_LEARNING"] = f"postgres://postgres@127.0.0.1:{free_port()}/lrs"
    env = clean_environment(**urls)
    result = run_django(
        "import json\n"
        "from django.test import Client\n"
        "r = Client().get('/ready')\n"
        "print(json.dumps({'status': r.status_code, 'retry': r.get('Retry-After'), "
        "'body': r.json()}))",
        env,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    assert outcome["retry"] == "5"
    body = outcome["body"]
    assert body["status"] == "unavailable"
    assert body["unavailable"] == ["database:learning"]
    assert body["checks"]["database:learning"]["status"] == "down"
    assert "error" in body["checks"]["database:learning"]
    assert body["checks"]["database:identity"]["status"] == "up"
