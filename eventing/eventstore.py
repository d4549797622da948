"""Event-sourced applications whose events live in their own domain's database.

Each domain that keeps an audit trail subclasses ``DomainApplication`` (the
``eventsourcing`` library's ``Application``) and names its Django database alias. Its
recorders (``eventing.eventstore_recorders``) run on Django's own connection of that
alias, so an append inside ``transaction.atomic(using=alias)`` commits or rolls back
with everything else the change writes: one state change, one transaction. This holds
for PostgreSQL and for the embedded SQLite default alike (on SQLite there is no second
connection to wait for the first one's write lock).

The alias is resolved on every statement (Django's connection of the current thread),
so tests that switch to their own databases after import need nothing special;
``get_application`` builds a new instance when the alias's database changed, so the
tables are checked (and created when missing) in the new one.

The process environment is not read here: Django's settings are the one place
configuration comes from, so a stray variable such as ``CIPHER_KEY`` cannot change how
events are stored.

A stale write (two writers read version *n* of an aggregate, both append *n + 1*) is
refused by the database's primary key on (aggregate id, version); ``save`` turns the
library's ``IntegrityError`` into ``ConcurrencyConflict``, which the API answers with
409 ``/problems/conflict``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import BaseAggregate, DomainEvent
from eventsourcing.persistence import IntegrityError, Recording
from eventsourcing.utils import Environment, EnvType

from common.refusals import Conflict
from eventing.eventstore_recorders import DjangoFactory

_ENGINES = ("django.db.backends.postgresql", "django.db.backends.sqlite3")


class ConcurrencyConflict(Conflict):
    """Another writer appended to an aggregate after it was read: read it again and retry."""


def persistence_env(alias: str) -> dict[str, str]:
    """The library's persistence settings for the Django database ``alias``, as read now."""
    config = settings.DATABASES.get(alias) or {}
    engine = config.get("ENGINE", "")
    if engine not in _ENGINES:
        raise ImproperlyConfigured(
            f"The event store needs the {alias!r} database, which this process has not "
            f"configured as PostgreSQL or SQLite (engine {engine or 'none'!r})."
        )
    return {
        "PERSISTENCE_MODULE": f"{DjangoFactory.__module__}:{DjangoFactory.__name__}",
        DjangoFactory.DJANGO_DATABASE_ALIAS: alias,
        # Not read by the factory: a change of database (a test run switching to its
        # test databases) makes ``get_application`` build a new instance.
        "DJANGO_DATABASE_NAME": str(config.get("NAME", "")),
    }


class _Collected(ProcessingEvent[UUID]):
    """The library's ``ProcessingEvent``, recognising its own aggregates and events by
    class.

    The library tells an aggregate from an event with ``isinstance`` checks against
    runtime-checkable ``Protocol`` classes, which Python 3.11 answers by listing and
    probing the protocol's members on every call: about 0.015 ms of the 0.2 ms a
    one-event save costs the client here. Anything else still goes through the
    library's checks.
    """

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        others = []
        for obj in objs:
            if isinstance(obj, BaseAggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif isinstance(obj, DomainEvent):
                self.events.append(obj)
            elif obj is not None:
                others.append(obj)
        super().collect_events(*others, **kwargs)


class DomainApplication(Application[UUID]):
    """An event-sourced application stored in the database of ``database_alias``.

    Subclasses set ``database_alias`` (and usually ``snapshotting_intervals``). Use one
    instance per process through ``get_application(cls)``.

    Publishing: the event relay reads ``self.recorder.select_notifications(...)``,
    turns each notification into a domain event with ``self.mapper.to_domain_event``,
    and asks ``to_published(domain_event)`` for the published contract to wrap in an
    envelope. The default publishes nothing; a subclass returns a ``contracts``
    ``Event`` for the domain events other domains may know about.
    """

    #: The Django database alias holding this application's events and snapshots.
    database_alias: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _classes.append(cls)

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        #: What the persistence was built from; ``get_application`` compares it.
        self.persistence = persistence_env(self.database_alias)
        super().__init__(env={**self.persistence, **(env or {})})

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """The class's ``env`` and the given one, without the process environment."""
        merged = dict(type(self).env)
        if type(self).is_snapshotting_enabled or type(self).snapshotting_intervals:
            merged["IS_SNAPSHOTTING_ENABLED"] = "y"
        merged.update(env or {})
        return Environment(name, merged)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record the aggregates' new events atomically, or raise ``ConcurrencyConflict``.

        Inside a transaction, the positions of this application's projections are locked
        first: a service that catches its projections up in the same transaction then
        reads its own events (no other append's ids can be in flight below them), and
        appends that will be projected that way take turns, as they must for that.
        """
        if connections[self.database_alias].in_atomic_block:
            self._hold_projection_positions()
        # The library's ``save``, step for step, collecting with ``_Collected``.
        processing_event = _Collected()
        processing_event.collect_events(*objs, **kwargs)
        try:
            recordings = self._record(processing_event)
        except IntegrityError as exc:
            changed = ", ".join(
                f"{type(o).__name__} {getattr(o, 'id', None) or o.originator_id}"
                for o in objs
                if o is not None
            )
            raise ConcurrencyConflict(
                f"{changed} changed after it was read (another writer recorded the same "
                "version first); nothing was recorded. Read it again and retry."
            ) from exc
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # The library's deprecated hook, kept.
        return recordings

    def _hold_projection_positions(self) -> None:
        from eventing.models import ProjectionPosition
        from eventing.projections import registered_projections

        cls = type(self)
        if cls not in _projected:
            _projected[cls] = sorted(
                p.name for p in registered_projections().values() if p.application_class is cls
            )
        if not (names := _projected[cls]):
            return
        positions = ProjectionPosition.objects.using(self.database_alias)
        held = positions.select_for_update().filter(name__in=names).order_by("name")
        if len(held) < len(names):
            for name in names:
                positions.get_or_create(name=name)
            list(held.all())

    def to_published(self, domain_event: Any) -> Any | None:
        """The ``contracts`` event announcing ``domain_event`` on the bus, or None."""
        return None


TApp = TypeVar("TApp", bound=DomainApplication)

#: Every subclass defined in this process (``event_store_tables_create`` reads it).
_classes: list[type[DomainApplication]] = []

_applications: dict[type[DomainApplication], DomainApplication] = {}
#: The projections (names) each application class feeds: fixed once apps are loaded.
_projected: dict[type[DomainApplication], list[str]] = {}
_lock = threading.Lock()


def get_application(cls: type[TApp]) -> TApp:
    """This process's instance of ``cls``, built on first use.

    Rebuilt when the alias's database changed since it was built (a test run switching
    to its test databases), so its tables are checked in the new one.
    """
    env = persistence_env(cls.database_alias)
    with _lock:
        app = _applications.get(cls)
        if app is None or app.persistence != env:
            if app is not None:
                app.close()
            app = _applications[cls] = cls()
        return app  # type: ignore[return-value]


def event_store_tables_create(*, using: str, **_: Any) -> None:
    """``post_migrate`` receiver: the tables of every application stored in ``using``.

    ``migrate`` (and the test runner's database set-up) commits them before any request
    or test transaction runs, so the write path never creates tables. The modules that
    define applications (``<app>.application``, ``<app>.audit``) are imported first.
    A class defined later (a benchmark's, a test's) gets its tables on first use.
    """
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("application", "audit")
    for cls in list(_classes):
        if getattr(cls, "database_alias", None) != using:
            continue
        app = cls()
        for store in (app.events, app.snapshots):
            if store is not None:
                store.recorder.create_table()
        app.close()


def close_applications() -> None:
    """Forget every instance ``get_application`` built (a benchmark switching databases).

    The instances hold no connection of their own (Django's are used)."""
    with _lock:
        for app in _applications.values():
            app.close()
        _applications.clear()
