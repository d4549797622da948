"""``/metrics`` was public through the Ingress's catch-all route (issue 15, Low). With
``METRICS_TOKEN`` set only a scrape carrying it is answered."""

from django.test import Client


def test_metrics_need_the_token_when_one_is_set(settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789abcdef0123456789"
    client = Client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    scraped = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}")
    assert scraped.status_code == 200
    assert b"# HELP" in scraped.content


def test_without_a_token_metrics_stay_open_for_local_runs(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 200
