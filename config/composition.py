"""The composition root: what this process runs on, decided once at start-up.

Business code asks its ports for "the" strategy and never which mode the process is
in. Here, and only here, the process's configuration picks the implementations:

| port | chosen from | implementations |
| --- | --- | --- |
| ``eventing.delivery`` (outbox rows leaving) | ``REDIS_URL`` set or not | ``RelayDelivery`` (Redis Streams through the relay), ``InProcessDelivery`` (the embedded bus) |
| ``domains.marketplace.services.seats`` (no double booking) | the marketplace database's vendor | ``ExclusionConstraintSeats`` (PostgreSQL), ``WriteLockSeats`` (SQLite) |
| ``domains.governance.register_writes`` (a batch of register entries and their tree nodes) | the governance database's vendor | ``OneStatementWrites`` (PostgreSQL), ``OrmWrites`` (SQLite) |
| ``domains.learning.dialects`` (statement write bound, StatementRef ids) | the learning database's vendor | ``PostgreSQLDialect``, ``SQLiteDialect`` |

``compose()`` runs from ``CompositionConfig.ready()`` (Django calls ``ready()`` once
every app and model is loaded) in every process that sets Django up (web workers,
the relay, consumers, Celery, management commands, tests). A domain this process
does not serve (``SERVICE``) is not composed.

A domain's own modules never read ``connection.vendor`` (``tests/architecture``
holds that rule): a database difference a domain must know becomes a strategy
module with a ``FOR_VENDOR`` table, chosen here. Infrastructure that serves every
alias (``eventing``: the event-store recorders, projection rebuilds, the relay's
``NOTIFY``) keeps its dialect tables beside the SQL they hold, as Django's own
backends do.
"""  # noqa: E501 (the table)

from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections


def compose() -> None:
    """Install each port's implementation for this process's configuration."""
    from eventing import delivery

    delivery.install(
        delivery.RelayDelivery() if settings.REDIS_URL else delivery.InProcessDelivery()
    )
    for label, module, what in DATABASE_STRATEGIES:
        if apps.is_installed(f"domains.{label}"):
            strategies = import_module(module)
            alias = apps.get_app_config(label).database_alias
            vendor = connections[alias].vendor
            if vendor not in strategies.FOR_VENDOR:
                raise ImproperlyConfigured(
                    f"The {label} domain cannot {what} on {vendor!r}: "
                    "configure PostgreSQL or SQLite."
                )
            strategies.install(strategies.FOR_VENDOR[vendor]())


#: Strategy modules chosen by a domain's database: (app label, module with a
#: ``FOR_VENDOR`` table and ``install()``, what the domain cannot do without one).
DATABASE_STRATEGIES = (
    ("marketplace", "domains.marketplace.services.seats", "prevent double bookings"),
    ("governance", "domains.governance.register_writes", "write the decision register"),
    ("learning", "domains.learning.dialects", "store xAPI statements"),
)


class CompositionConfig(AppConfig):
    """Installed with the core apps (``config.settings.core``): composes the process."""

    name = "config"
    label = "composition"
    verbose_name = "Composition root"

    def ready(self) -> None:
        compose()
