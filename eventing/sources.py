"""Which sources the relay of this process reads: every configured database's outbox,
and the event-sourced applications the installed apps declare.

An app declares its applications on its ``AppConfig`` as
``event_applications = ["domains.x.application.XApplication"]``; the producer name is
the app's label.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.module_loading import import_string

from common.databases import served_aliases
from eventing.eventstore import get_application
from eventing.relay import EventStoreSource, OutboxSource


def relay_sources() -> list:
    sources: list = [OutboxSource(alias) for alias in served_aliases()]
    for config in apps.get_app_configs():
        for dotted in getattr(config, "event_applications", ()):
            application = get_application(import_string(dotted))
            sources.append(EventStoreSource(application, application.database_alias, config.label))
    return sources
