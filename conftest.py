"""Fixtures shared by every test package (domains, gateway, cross-domain tests)."""

import pytest


@pytest.fixture
def api_client():
    # Imported here: DRF needs configured settings, and the infrastructure tests run
    # without Django (-p no:django).
    from rest_framework.test import APIClient

    return APIClient()
