"""Fixtures shared by every test package (domains, gateway, cross-domain tests)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
