"""Fixtures shared by every test package (domains, gateway, cross-domain tests)."""

import sys
from pathlib import Path

import pytest

#: Process-level and fault tests (child processes, private servers, killed workers,
#: external validators): marked ``slow`` here, in one place, so ``make test-fast``
#: leaves them out. A path is a file or a directory, relative to the repository.
SLOW = (
    "domains/governance/tests/test_register_on_sqlite.py",
    "domains/governance/tests/test_verifier_over_http.py",
    "domains/learning/tests/xapi/test_sqlite_dialect.py",
    "domains/marketplace/tests/test_sqlite_booking_race.py",
    "tests/atomicity/test_embedded_sqlite_admin.py",
    "tests/bus/test_crash_recovery.py",
    "tests/bus/test_tasks_and_embedded.py",
    "tests/eventstore/test_embedded_sqlite.py",
    "tests/gateway/test_graceful_shutdown.py",
    "tests/gateway/test_prefork.py",
    "tests/gateway/test_reference_checks_at_deploy.py",
    "tests/gateway/test_split_mode.py",
    "tests/infra",
    "tests/integration",
    "tests/legacy/test_domain_sinks_embedded.py",
    "tests/legacy/test_ports_contract.py",
    "tests/observability/test_alert_chain.py",
    "tests/observability/test_trace_across_the_bus.py",
    "tests/security/test_split_process.py",
)
_ROOT = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    slow = pytest.mark.slow
    for item in items:
        relative = Path(str(item.path)).resolve().relative_to(_ROOT).as_posix()
        if any(relative == p or relative.startswith(p + "/") for p in SLOW):
            item.add_marker(slow)


def _commits(item) -> bool:
    """The test ran on committed transactions (``transaction=True``, a live server)."""
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"transactional_db", "live_server", "django_db_reset_sequences"}) or bool(
        marker and marker.kwargs.get("transaction")
    )


def _event_store_tables_empty() -> None:
    """Empty every table Django's flush does not know: the event stores' events,
    snapshots and tracking positions (``eventing``), created outside the models."""
    from django.db import connections

    for connection in connections.all():
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            continue  # No test database for this alias in this run (a file run alone).
        introspection = connection.introspection
        with connection.cursor() as cursor:
            tables = set(introspection.table_names(cursor)) - set(
                introspection.django_table_names(only_existing=True, include_views=False)
            )
            for table in sorted(tables - {"django_migrations"}):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that committed, Django flushes the models' tables but not the event
    stores', so the next test found aggregates (a demo member's role grants, a route's
    audit) whose rows were gone, and refused to write them again. Emptied here, after
    every fixture's teardown (the flush included), so each test starts from empty stores."""
    yield
    if nextitem is None or not item.config.pluginmanager.hasplugin("django"):
        return  # the last test: the test databases are gone already
    if not _commits(item):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _event_store_tables_empty()


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
