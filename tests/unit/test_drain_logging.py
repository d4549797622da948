"""While a server drains, ``/ready`` answers 503 on purpose: not logged as a server
error each time a probe asks."""

import logging

from django.test import Client

from common.health import draining


def test_ready_503_while_draining_is_not_logged_as_an_error(caplog):
    draining.begin()
    try:
        with caplog.at_level(logging.INFO, logger="django"):
            response = Client().get("/ready")
    finally:
        draining._flag[0] = 0  # this process only pretended to drain
    assert response.status_code == 503 and response.json()["reason"] == "draining"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
