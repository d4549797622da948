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


def alias_for_app(app_label: str) -> str:
    """The database alias that owns ``app_label``'s tables."""
    if app_label in settings.DATABASE_APPS_WITH_USERS:
        return settings.DATABASE_USERS_ALIAS
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return "default"
    return getattr(config, "database_alias", "default")


class DomainRouter:
    """Django database router: reads, writes, relations and migrations per alias."""

    def db_for_read(self, model, **hints):
        return alias_for_app(model._meta.app_label)

    def db_for_write(self, model, **hints):
        return alias_for_app(model._meta.app_label)

    def allow_relation(self, obj1, obj2, **hints):
        db1 = obj1._state.db or alias_for_app(obj1._meta.app_label)
        db2 = obj2._state.db or alias_for_app(obj2._meta.app_label)
        return db1 == db2

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == alias_for_app(app_label)
