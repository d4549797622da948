"""Routes every app to its own database alias.

A domain app declares its alias on its ``AppConfig`` (``database_alias``). Django's
own apps whose tables point at users (auth, admin, sessions, contenttypes) go with the
users (``DATABASE_USERS_ALIAS``); anything else uses ``default``. Relations are allowed
only between rows of one alias, and an app's tables are migrated only on its alias, so
no foreign key can cross databases.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

#: ``AppConfig.database_alias`` of apps whose tables exist in every database.
ALL_ALIASES = "*"


def alias_for_app(app_label: str) -> str:
    """The database alias that owns ``app_label``'s tables."""
    if app_label in settings.DATABASE_APPS_WITH_USERS:
        return settings.DATABASE_USERS_ALIAS
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return "default"
    return getattr(config, "database_alias", "default")


def _alias_for_model(model, hints) -> str:
    alias = alias_for_app(model._meta.app_label)
    if alias != ALL_ALIASES:
        return alias
    instance = hints.get("instance")
    if instance is not None and instance._state.db:
        return instance._state.db
    raise LookupError(
        f"{model._meta.label} has a table in every database: name one with .using(alias)."
    )


class DomainRouter:
    """Django database router: reads, writes, relations and migrations per alias.

    Apps whose tables exist in every database (``database_alias = "*"``, the event
    bus's outbox and inbox) are never guessed: a query without ``.using(alias)`` fails.
    """

    def db_for_read(self, model, **hints):
        return _alias_for_model(model, hints)

    def db_for_write(self, model, **hints):
        return _alias_for_model(model, hints)

    def allow_relation(self, obj1, obj2, **hints):
        db1 = obj1._state.db or alias_for_app(obj1._meta.app_label)
        db2 = obj2._state.db or alias_for_app(obj2._meta.app_label)
        return db1 == db2

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        alias = alias_for_app(app_label)
        return alias == ALL_ALIASES or db == alias
