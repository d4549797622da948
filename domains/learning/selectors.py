"""Reads of learning data: the activity catalogue and xAPI statement queries.

Statement lists are keyset-paged on (stored, id): a ``more`` link carries the whole
query and the last row seen, signed so it cannot be edited. The agent and activity
filters go through ``StatementLink`` (index on kind, value, stored); verb,
registration and the time window through the statement's own indexes. Statements
that target a matching statement by StatementRef match too (one recursive query, raw
SQL because the ORM has no recursive common table expressions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import connections, router
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from domains.learning import dialects
from domains.learning.authority import lrs_account
from domains.learning.domain.xapi.agents import agent_ifi
from domains.learning.domain.xapi.validation import VOIDED
from domains.learning.models import Activity, Statement, StatementLink


def activity_list(*, activity_type: str | None = None) -> QuerySet[Activity]:
    queryset = Activity.objects.all()
    if activity_type:
        queryset = queryset.filter(activity_type=activity_type)
    return queryset


@dataclass(frozen=True)
class StatementQuery:
    agent_ifi: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: UUID | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    ascending: bool = False
    #: Only statements with this authority ("statements/read/mine").
    authority_ifi: str | None = None
    #: Keyset cursor: the (stored, id) of the last statement of the previous page.
    after: tuple[datetime, UUID] | None = None

    @property
    def has_content_filter(self) -> bool:
        return any(
            value is not None
            for value in (self.agent_ifi, self.verb, self.activity, self.registration)
        )


def member_ifi(*, member_id: UUID | str) -> str:
    """A platform member as an xAPI agent: the account the LRS records as authority for
    the member's own writes, and the one learning tools should name them by."""
    return agent_ifi(lrs_account("members", str(member_id)))


def member_statement_list(*, member_id: UUID) -> QuerySet[Statement]:
    """Unvoided statements about a member (actor) or recorded by them (authority).
    Voiding statements are bookkeeping, not learning: they take their target off the
    timeline and are not entries of it themselves."""
    ifi = member_ifi(member_id=member_id)
    return (
        Statement.objects.filter(Q(actor_ifi=ifi) | Q(authority_ifi=ifi), voided=False)
        .exclude(verb_id=VOIDED)
        .order_by("-timestamp", "-id")
    )


@dataclass(frozen=True)
class ActivityProgress:
    activity_id: str
    name: dict
    statements: int
    completed: bool
    success: bool | None
    best_score_scaled: float | None
    last_at: datetime


def member_progress(*, member_id: UUID, window: int = 5000) -> list[ActivityProgress]:
    """Per activity (the member's ``window`` most recent statements): how often they
    engaged, whether they completed or passed it, their best scaled score."""
    progress: dict[str, dict] = {}
    rows = member_statement_list(member_id=member_id).filter(object_type="Activity")
    for document, timestamp in rows.values_list("document", "timestamp")[:window]:
        obj, result = document["object"], document.get("result") or {}
        entry = progress.setdefault(
            obj["id"],
            {"name": (obj.get("definition") or {}).get("name", {}), "statements": 0,
             "completed": False, "success": None, "best": None, "last_at": timestamp},
        )  # fmt: skip
        entry["statements"] += 1
        verb = document["verb"]["id"].rsplit("/", 1)[-1]
        entry["completed"] |= bool(result.get("completion")) or verb in ("completed", "passed")
        if result.get("success") is not None:
            entry["success"] = bool(entry["success"]) or result["success"]
        scaled = (result.get("score") or {}).get("scaled")
        if scaled is not None and (entry["best"] is None or scaled > entry["best"]):
            entry["best"] = scaled
    return [
        ActivityProgress(
            activity_id=activity_id,
            name=e["name"],
            statements=e["statements"],
            completed=e["completed"],
            success=e["success"],
            best_score_scaled=e["best"],
            last_at=e["last_at"],
        )
        for activity_id, e in progress.items()
    ]


def statement_get(*, statement_id: UUID, voided: bool) -> Statement | None:
    """``statementId`` finds only unvoided statements, ``voidedStatementId`` only voided."""
    return Statement.objects.filter(id=statement_id, voided=voided).first()


def _content_filtered(rows: QuerySet[Statement], query: StatementQuery) -> QuerySet[Statement]:
    """``rows`` meeting the filters on what a statement says: agent, activity, verb and
    registration (xAPI-Communication §2.1.3's non-time, non-sequence parameters)."""
    if query.agent_ifi is not None:
        links = StatementLink.objects.filter(kind=StatementLink.AGENT, value=query.agent_ifi)
        if not query.related_agents:
            links = links.filter(direct=True)
        rows = rows.filter(id__in=links.values("statement_id"))
    if query.activity is not None:
        links = StatementLink.objects.filter(kind=StatementLink.ACTIVITY, value=query.activity)
        if not query.related_activities:
            links = links.filter(direct=True)
        rows = rows.filter(id__in=links.values("statement_id"))
    if query.verb is not None:
        rows = rows.filter(verb_id=query.verb)
    if query.registration is not None:
        rows = rows.filter(registration=query.registration)
    return rows


def _windowed(rows: QuerySet[Statement], query: StatementQuery) -> QuerySet[Statement]:
    """``rows`` the caller may see, in the time window and after the page cursor."""
    rows = rows.filter(voided=False)
    if query.authority_ifi is not None:
        rows = rows.filter(authority_ifi=query.authority_ifi)
    if query.since is not None:
        rows = rows.filter(stored__gt=query.since)
    if query.until is not None:
        rows = rows.filter(stored__lte=query.until)
    if query.after is not None:
        stored, last_id = query.after
        if query.ascending:
            rows = rows.filter(Q(stored__gt=stored) | Q(stored=stored, id__gt=last_id))
        else:
            rows = rows.filter(Q(stored__lt=stored) | Q(stored=stored, id__lt=last_id))
    return rows


#: Statements whose StatementRef chain (object → object → ...) reaches a statement
#: the content filters match. ``UNION`` drops repeated pairs, so a cycle of
#: references ends. Only StatementRef statements start a chain: they are few (the
#: partial index ``lrs_stmt_refs``), unlike the statements a broad filter matches.
_TARGETING = """
WITH RECURSIVE chain(origin, target) AS (
    SELECT id, object_id FROM {table} WHERE object_type = 'StatementRef'
  UNION
    SELECT chain.origin, s.object_id FROM chain
    JOIN {table} s ON s.id = {target} WHERE s.object_type = 'StatementRef'
)
SELECT origin FROM chain WHERE {target} IN ({matching})
"""


def _targeting(query: StatementQuery) -> RawSQL:
    matching = _content_filtered(Statement.objects.order_by(), query).values("id")
    connection = connections[router.db_for_read(Statement)]
    sql, params = matching.query.get_compiler(connection=connection).as_sql()
    # Only constants and the ORM's own compiled SQL are formatted in; values stay params.
    return RawSQL(  # noqa: S611
        _TARGETING.format(
            table=connection.ops.quote_name(Statement._meta.db_table),
            # A StatementRef's object id is text; the database's dialect says how
            # it compares with a statement id.
            target=dialects.installed().statement_id("chain.target"),
            matching=sql,
        ),
        params,
    )


def statement_list(*, query: StatementQuery, limit: int) -> list[Statement]:
    """Up to ``limit + 1`` statements (one more tells the caller there is a next page).

    Filters on content also match statements that target a matching statement through
    a StatementRef, at any depth (xAPI-Communication §2.1.3, "Filter Conditions for
    StatementRefs"); time, sequence and visibility apply to the targeting statement
    itself. Two keyset queries, each on its own index, merged here: the direct matches
    (agent, verb, activity, registration indexes) and the targeting statements (a
    partial index of StatementRef statements) — one ``OR`` would lose both indexes.
    """
    order = ("stored", "id") if query.ascending else ("-stored", "-id")
    fields = ("id", "stored", "document")
    window = _windowed(Statement.objects.all(), query)
    rows = list(_content_filtered(window, query).order_by(*order).only(*fields)[: limit + 1])
    if query.has_content_filter:
        targeting = window.filter(object_type="StatementRef", id__in=_targeting(query))
        seen = {row.id for row in rows}
        rows += [
            row
            for row in targeting.order_by(*order).only(*fields)[: limit + 1]
            if row.id not in seen
        ]
        rows.sort(key=lambda row: (row.stored, row.id), reverse=not query.ascending)
    return rows[: limit + 1]
