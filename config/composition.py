"""The composition root: what this process runs on, decided once at start-up.

Business code asks its ports for "the" strategy and never which mode the process is
in. Here, and only here, the process's configuration picks the implementations:

| port | chosen from | implementations |
| --- | --- | --- |
| ``eventing.delivery`` (outbox rows leaving) | ``REDIS_URL`` set or not | ``RelayDelivery`` (Redis Streams through the relay), ``InProcessDelivery`` (the embedded bus) |
| ``domains.marketplace.services.seats`` (no double booking) | the marketplace database's vendor | ``ExclusionConstraintSeats`` (PostgreSQL), ``WriteLockSeats`` (SQLite) |

``compose()`` runs from ``CompositionConfig.ready()`` (Django calls ``ready()`` once
every app and model is loaded) in every process that sets Django up (web workers,
the relay, consumers, Celery, management commands, tests). A domain this process
does not serve (``SERVICE``) is not composed.
"""  # noqa: E501 (the table)

from __future__ import annotations

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
    if apps.is_installed("domains.marketplace"):
        from domains.marketplace.services import ALIAS, seats

        vendor = connections[ALIAS].vendor
        if vendor not in seats.FOR_VENDOR:
            raise ImproperlyConfigured(
                f"The marketplace cannot prevent double bookings on {vendor!r}: "
                "configure PostgreSQL or SQLite."
            )
        seats.install(seats.FOR_VENDOR[vendor]())


class CompositionConfig(AppConfig):
    """Installed with the core apps (``config.settings.core``): composes the process."""

    name = "config"
    label = "composition"
    verbose_name = "Composition root"

    def ready(self) -> None:
        compose()
