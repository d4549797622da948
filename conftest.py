"""Fixtures shared by every test package (domains, gateway, cross-domain tests)."""

import sys

import pytest


@pytest.fixture(scope="session", autouse=True)
def _event_stores_closed_before_test_databases_drop(request):
    """Event stores keep connection pools of their own; a database with open
    connections cannot be dropped, so close them before pytest-django drops the test
    databases (this fixture is set up after, so torn down before, ``django_db_setup``)."""
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("django_db_setup")
    yield
    if "eventing.eventstore" in sys.modules:
        sys.modules["eventing.eventstore"].close_applications()


@pytest.fixture
def api_client():
    # Imported here: DRF needs configured settings, and the infrastructure tests run
    # without Django (-p no:django).
    from rest_framework.test import APIClient

    return APIClient()
