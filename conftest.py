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


def _reset_jwks_cache() -> None:
    module = sys.modules.get("common.auth.jwks")
    if module is not None:  # never imported: nothing cached (and maybe no Django at all)
        module.jwks_cache_reset()


@pytest.fixture(autouse=True)
def _fresh_jwks_cache():
    """Each test's signing keys live and die with its transaction: the process-wide JWKS
    cache must not carry an earlier test's keys into the next one."""
    _reset_jwks_cache()
    yield
    _reset_jwks_cache()


@pytest.fixture(autouse=True)
def _no_governance_floor(request):
    """Tests open votes at once with one or two voters; the tests of the floor itself
    set it (GOVERNANCE_MIN_*: production defaults are 3 voters, 1 day, 2 days)."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.GOVERNANCE_MIN_QUORUM = 1
    settings.GOVERNANCE_MIN_DISCUSSION_SECONDS = 0
    settings.GOVERNANCE_MIN_VOTING_SECONDS = 0
    yield


@pytest.fixture
def api_client():
    # Imported here: DRF needs configured settings, and the infrastructure tests run
    # without Django (-p no:django).
    from rest_framework.test import APIClient

    return APIClient()
