"""Gateway tests: a real reference legacy service, the real databases, fresh caches."""

from __future__ import annotations

import pytest

from gateway import health, traffic
from legacy_adapter.wiring import reset_legacy_client
from tests.legacy.conftest import start_legacy, stop_legacy


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    process = start_legacy(tmp_path_factory.mktemp("legacy"))
    yield process
    stop_legacy(process)


@pytest.fixture
def gateway_env(legacy, settings):
    """Settings pointing at the module's legacy process; no cached table, client or breaker."""
    legacy.control(delay_ms=0, fail_status=None, reset_count=True)
    settings.LEGACY_BASE_URL = legacy.base_url
    settings.GATEWAY_FLAGS_TTL_SECONDS = 0
    reset_legacy_client()
    health.reset()
    yield legacy
    traffic.flush()
    reset_legacy_client()
    health.reset()
    legacy.control(delay_ms=0, fail_status=None)
