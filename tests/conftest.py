"""Fixtures shared by the cross-domain tests: API clients and a way to start Django
in a child process with other environment variables (for settings that are read
once at start-up: SERVICE, database URLs, fail-fast configuration)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
