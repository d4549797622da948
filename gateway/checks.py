"""System checks for the strings that couple the gateway and the sync to code.

A route's ``new_target`` (a URL path of a domain endpoint) and ``translator`` (an
anti-corruption translator's name), and each ``LEGACY_SYNC_SINKS`` dotted path, are
plain strings no import checks: a typo would surface on the first request or sync run.

- The sinks are settings: checked on every start (``manage.py check``, runserver,
  migrate, the test run).
- Routes are rows of the ``default`` database: checked with the database checks
  (``manage.py check --database default``, and ``migrate_all`` after it migrates, so
  the deploy's migration job stops a rollout whose route table names a missing
  view or translator), and never on a process that has no ``default`` database.
  Before ``default`` is migrated there is no route table, so nothing to check:
  ``manage.py migrate`` on a fresh database runs these checks first.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import checks
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

from legacy_adapter.acl.responses import TRANSLATORS

#: A placeholder of a route's target (``{id}``) filled with a value every id route accepts.
_PLACEHOLDER = re.compile(r"\{[^}]+\}")
_SAMPLE_ID = "00000000-0000-4000-8000-000000000000"


@checks.register()
def sync_sinks_resolve(app_configs=None, **kwargs) -> list[checks.Error]:
    errors = []
    for resource, path in (getattr(settings, "LEGACY_SYNC_SINKS", None) or {}).items():
        try:
            import_string(path)
        except ImportError as exc:
            errors.append(
                checks.Error(
                    f"LEGACY_SYNC_SINKS[{resource!r}] = {path!r} does not resolve: {exc}",
                    id="gateway.E001",
                )
            )
    return errors


def route_reference_errors(routes) -> list[checks.Error]:
    """One error per route whose translator is unknown or whose new target no URL serves."""
    errors = []
    for route in routes:
        label = f"Route {route.method} {route.path_pattern}"
        if route.translator and route.translator not in TRANSLATORS:
            errors.append(
                checks.Error(
                    f"{label}: no translator {route.translator!r} "
                    f"(known: {', '.join(TRANSLATORS)}).",
                    id="gateway.E002",
                )
            )
        if route.new_target and not settings.GATEWAY_NEW_BASE_URLS:
            try:
                resolve(_PLACEHOLDER.sub(_SAMPLE_ID, route.new_target))
            except Resolver404:
                errors.append(
                    checks.Error(
                        f"{label}: new_target {route.new_target!r} is served by no view.",
                        id="gateway.E003",
                    )
                )
    return errors


@checks.register(checks.Tags.database)
def routes_resolve(app_configs=None, databases=None, **kwargs) -> list[checks.Error]:
    if not databases or "default" not in databases:
        return []
    if settings.DATABASES.get("default", {}).get("ENGINE") == "django.db.backends.dummy":
        return []
    from django.db import connections

    from gateway.models import Route

    connection = connections["default"]
    if Route._meta.db_table not in connection.introspection.table_names():
        return []
    return route_reference_errors(Route.objects.using("default").all())
