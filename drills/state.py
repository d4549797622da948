"""What the drill reads of the platform's state, in the drill's own Django process.

- ``backlog()``: what is still on its way (unpublished outbox rows, event stores the
  relay or a projection has not read to the end, entries a group has not acknowledged).
  Zero everywhere means the platform is at rest, and only then are the views compared.
- ``inconsistencies()``: every cross-domain view that disagrees with its source —
  passport's evidence with learning's statements, governance's member directory with
  identity's members — and a decision register that fails verification.
- ``footprint(alias)``: the rows and events one database holds, to count what a
  restore lost.

The drill is not a domain: it reads every domain's models, as an auditor would.
"""

from __future__ import annotations

from django.db import connections

from common.databases import served_aliases
from eventing.eventstore import get_application
from eventing.handlers import REGISTRY
from eventing.lag import group_lag
from eventing.models import OutboxMessage, ProjectionPosition
from eventing.projections import registered_projections
from eventing.relay import EventStoreSource
from eventing.sources import relay_sources
from eventing.streams import redis_client


def backlog() -> dict[str, int]:
    waiting: dict[str, int] = {}
    for alias in served_aliases():
        count = OutboxMessage.objects.using(alias).filter(published_at__isnull=True).count()
        if count:
            waiting[f"outbox:{alias}"] = count
    for source in relay_sources():
        if isinstance(source, EventStoreSource):
            _behind(waiting, source.name, source.alias, source.application)
    for name, cls in registered_projections().items():
        _behind(
            waiting,
            name,
            cls.application_class.database_alias,
            get_application(cls.application_class),
        )
    streams = {group: REGISTRY.streams_for(group) for group in REGISTRY.groups()}
    for row in group_lag(redis_client(), streams):
        undelivered = (
            row.lag if row.lag is not None else int(row.last_delivered_id != row.stream_last_id)
        )
        if row.pending or undelivered:
            waiting[f"group:{row.group}@{row.stream}"] = row.pending + undelivered
    return waiting


def _behind(waiting: dict[str, int], name: str, alias: str, application) -> None:
    """``name``: the reader's position key (a relay source's or a projection's name)."""
    row = ProjectionPosition.objects.using(alias).filter(name=name).first()
    position = row.position if row else 0
    last = application.recorder.max_notification_id() or 0
    if last > position:
        waiting[name] = last - position


def inconsistencies() -> list[str]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from domains.governance.models import Member
    from domains.identity.models import User
    from domains.learning.models import Statement
    from domains.passport.models import Evidence

    problems = []
    statements = dict(Statement.objects.using("learning").values_list("id", "voided"))
    evidence = {
        statement_id: voided_at is not None
        for statement_id, voided_at in Evidence.objects.using("passport").values_list(
            "statement_id", "voided_at"
        )
    }
    _compare(problems, "passport evidence vs learning statements", statements, evidence)
    # Superusers made by hand (createsuperuser) are accounts, not announced members.
    users = User.objects.using("identity")
    members = set(users.filter(is_superuser=False).values_list("id", flat=True))
    accounts = set(users.values_list("id", flat=True))
    directory = set(Member.objects.using("governance").values_list("member_id", flat=True))
    _compare(problems, "governance directory vs identity members", members, directory & members)
    if directory - accounts:
        problems.append(
            f"governance directory vs identity members: {len(directory - accounts)} "
            "in the view that the source does not have"
        )
    try:
        call_command("governance_register", "verify", stdout=_Discard())
    except CommandError as exc:
        problems.append(f"governance register: {exc}")
    return problems


def _compare(problems: list[str], what: str, source, view) -> None:
    source_keys, view_keys = set(source), set(view)
    missing, extra = source_keys - view_keys, view_keys - source_keys
    if missing:
        problems.append(f"{what}: {len(missing)} missing from the view")
    if extra:
        problems.append(f"{what}: {len(extra)} in the view that the source does not have")
    if isinstance(source, dict):
        differ = sum(1 for key in source_keys & view_keys if source[key] != view[key])
        if differ:
            problems.append(f"{what}: {differ} disagree (voided or not)")


def footprint(alias: str) -> dict[str, int]:
    """Rows per table of ``alias`` (its event-store tables included)."""
    counts = {}
    with connections[alias].cursor() as cursor:
        tables = connections[alias].introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


class _Discard:
    def write(self, *_args, **_kwargs) -> None:
        pass

    def flush(self) -> None:
        pass
