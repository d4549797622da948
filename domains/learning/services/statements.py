"""Storing statements (xAPI-Communication §2.1.1/2.1.2, xAPI-Data §2.3).

One call stores one statement or a whole batch, or nothing: validation, id clashes
and voiding rules are checked for every statement before anything is written, and
the rows, the links the filters use, new activities, voiding and the outbox events
commit in one transaction on the learning database.

Immutability (Data §2.3.1): a statement id already stored is compared with the
statement sent again — first by the stored fingerprint (equal: the same statement),
then, only when that differs, with the stored document by the full comparison
requirements of the request's version (``compare.statements_equivalent``: a changed
Activity Definition or Verb display, reordered group members, a timestamp left out;
in 2.0 also case and duration precision) — the same statement is a no-op that
changes nothing, another one a 409.

Concurrency: batches that share agents and activities write no shared row but the
activity catalogue, which is inserted in IRI order with ``ON CONFLICT DO NOTHING``
(consistent lock order: no deadlock). Two writers of the same statement id meet at
the primary key: the loser's insert fails, and its retry compares them as above.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from common import refusals
from domains.learning import dialects
from domains.learning.authority import writes_only_about_self
from domains.learning.domain.xapi.agents import activities_in, agent_ifi, agents_in
from domains.learning.domain.xapi.attachments import attachments_check
from domains.learning.domain.xapi.compare import statement_fingerprint, statements_equivalent
from domains.learning.domain.xapi.definitions import definition_merge
from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.domain.xapi.formats import format_timestamp, parse_timestamp
from domains.learning.domain.xapi.validation import VOIDED, statement_validate
from domains.learning.domain.xapi.versions import XAPI_1_0_3, XAPI_2_0
from domains.learning.models import Activity, Attachment, Statement, StatementLink
from domains.learning.services.events import (
    statement_voided_publish,
    statements_recorded_publish,
)


class StatementConflict(refusals.Conflict):
    """A statement id already names a different statement (409)."""


@dataclass(frozen=True)
class Prepared:
    #: As the client sent it (validated), and as the LRS stores it.
    sent: dict[str, Any]
    statement: dict[str, Any]
    fingerprint: str
    row: Statement
    links: list[StatementLink]
    #: The client chose the id: it may be stored already, or targeted by a voiding.
    client_id: bool


def _prepare(
    statement: dict[str, Any], *, stored: datetime, authority: dict[str, Any], version: str
) -> Prepared:
    fingerprint = statement_fingerprint(statement)
    final = dict(statement)
    client_id = "id" in final
    final.setdefault("id", str(uuid.uuid4()))
    final["id"] = final["id"].lower()
    final["stored"] = format_timestamp(stored)
    given = parse_timestamp(final["timestamp"]) if "timestamp" in final else stored
    timestamp = given.astimezone(UTC)
    final["timestamp"] = format_timestamp(timestamp)
    final["authority"] = authority
    # Data §2.4.10: kept as sent; when missing 1.0.0 (1.0.3) or 2.0.0 (2.0, §4.2.4.3).
    final["version"] = statement.get("version", "2.0.0" if version == XAPI_2_0 else "1.0.0")
    obj = final["object"]
    kind = obj.get("objectType", "Activity")
    registration = (final.get("context") or {}).get("registration")
    row = Statement(
        id=uuid.UUID(final["id"]),
        stored=stored,
        timestamp=timestamp,
        actor_ifi=agent_ifi(final["actor"]),
        verb_id=final["verb"]["id"],
        object_type=kind,
        object_id=agent_ifi(obj) if kind in ("Agent", "Group") else obj.get("id", ""),
        registration=uuid.UUID(registration) if registration else None,
        authority_ifi=agent_ifi(authority),
        voids=uuid.UUID(obj["id"]) if final["verb"]["id"] == VOIDED else None,
        fingerprint=fingerprint,
        document=final,
    )
    links = []
    for kind_code, (direct, related) in (
        (StatementLink.AGENT, agents_in(final)),
        (StatementLink.ACTIVITY, activities_in(final)),
    ):
        for value in sorted(related):
            links.append(
                StatementLink(
                    statement_id=row.id,
                    stored=stored,
                    kind=kind_code,
                    value=value,
                    direct=value in direct,
                )
            )
    return Prepared(statement, final, fingerprint, row, links, client_id)


def _definitions(prepared: list[Prepared]) -> dict[str, dict[str, Any]]:
    """Every activity the statements name, with their definitions merged in order."""
    found: dict[str, dict[str, Any]] = {}
    for item in prepared:
        obj = item.statement["object"]
        candidates = [obj] if obj.get("objectType", "Activity") == "Activity" else []
        for group in (
            (item.statement.get("context") or {}).get("contextActivities") or {}
        ).values():
            candidates.extend(group)
        for activity in candidates:
            definition = activity.get("definition") or {}
            known = found.get(activity["id"])
            found[activity["id"]] = definition_merge(known, definition) if known else definition
    return found


def _catalogue_write(definitions: dict[str, dict[str, Any]]) -> None:
    """New activities inserted (IRI order, ``ON CONFLICT DO NOTHING``), and known ones
    whose definition the statements extend updated under their row locks (IRI order:
    one lock order for every writer). Definitions already known cost one read."""
    iris = sorted(definitions)
    known = dict(Activity.objects.filter(iri__in=iris).values_list("iri", "definition"))
    missing = [iri for iri in iris if iri not in known]
    if missing:
        Activity.objects.bulk_create(
            [
                Activity(
                    iri=iri,
                    name=definitions[iri].get("name", {}),
                    activity_type=definitions[iri].get("type", ""),
                    definition=definitions[iri],
                )
                for iri in missing
            ],
            ignore_conflicts=True,
        )
        # A concurrent writer may have inserted one first: read what won.
        known.update(Activity.objects.filter(iri__in=missing).values_list("iri", "definition"))
    stale = [iri for iri in iris if definition_merge(known[iri], definitions[iri]) != known[iri]]
    if not stale:
        return
    rows = list(Activity.objects.select_for_update().filter(iri__in=stale).order_by("iri"))
    for row in rows:
        row.definition = definition_merge(row.definition, definitions[row.iri])
        row.name = row.definition.get("name", {})
        row.activity_type = row.definition.get("type", "")
    Activity.objects.bulk_update(rows, ["definition", "name", "activity_type"])


#: Properties holding identifiers the LRS indexes (IRIs, IFIs): bounded in length, so
#: every indexed column (2,048 characters, "account:<homePage>|<name>" included) fits.
_IDENTIFIERS = {"id", "mbox", "mbox_sha1sum", "openid", "homePage", "type"}


def _identifiers_fit(statement: Any, path: tuple) -> None:
    """Refuse an over-long IRI, mbox or account (400 naming it) instead of failing
    at the insert."""
    limit = settings.LRS_MAX_IRI_LENGTH
    stack = [(statement, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, list):
            stack.extend((item, (*where, i)) for i, item in enumerate(value))
        elif isinstance(value, dict):
            in_account = bool(where) and where[-1] == "account"
            for key, item in value.items():
                bounded = key in _IDENTIFIERS or (in_account and key == "name")
                if bounded and isinstance(item, str) and len(item) > limit:
                    raise XapiInvalid((*where, key), f"is longer than {limit} characters")
                if key != "extensions":  # extension values are free JSON, not identifiers
                    stack.append((item, (*where, key)))


def _own_learning_only(
    validated: list[dict[str, Any]], *, authority: dict[str, Any], batch: bool
) -> None:
    """A member records statements about themselves only, and voids only statements
    they recorded: a learner's token cannot make evidence for (or erase it from)
    another member's timeline and passport."""
    writer = agent_ifi(authority)
    voided: dict[str, int] = {}
    for i, item in enumerate(validated):
        where = (i,) if batch else ()
        if agent_ifi(item["actor"]) != writer:
            raise XapiInvalid(
                (*where, "actor"),
                "must be the member who sends it: a member's token records only "
                "that member's own learning (a learning tool's LRS client may write for others)",
            )
        if item["verb"]["id"] == VOIDED:
            voided[item["object"]["id"].lower()] = i
    if voided:
        foreign = (
            Statement.objects.filter(id__in=list(voided))
            .exclude(authority_ifi=writer)
            .values_list("id", flat=True)
            .first()
        )
        if foreign is not None:
            where = (voided[str(foreign)],) if batch else ()
            raise XapiInvalid((*where, "object", "id"), "names a statement another writer recorded")


def statements_store(
    *,
    statements: list[Any],
    authority: dict[str, Any],
    batch: bool,
    attachments: dict[str, tuple[str, bytes]] | None = None,
    now: Callable[[], datetime] = timezone.now,
    version: str = XAPI_1_0_3,
) -> list[str]:
    """Validate and store ``statements`` (with ``attachments``' content by SHA-2 hash)
    by the rules of xAPI ``version`` (the request's); their ids, in order.

    Raises ``XapiInvalid`` (400, naming the property), ``StatementConflict`` (409) or
    ``WriteTooSlow`` (503, ``_store``); whichever, nothing is stored."""
    if len(statements) > settings.LRS_BATCH_MAX:
        raise XapiInvalid((), f"a batch holds at most {settings.LRS_BATCH_MAX} statements")
    for i, item in enumerate(statements):
        _identifiers_fit(item, (i,) if batch else ())
    validated = [
        statement_validate(item, (i,) if batch else (), v2=version == XAPI_2_0)
        for i, item in enumerate(statements)
    ]
    if writes_only_about_self(authority):
        _own_learning_only(validated, authority=authority, batch=batch)
    attachments = attachments or {}
    attachments_check(
        validated,
        {sha2: content for sha2, (_, content) in attachments.items()},
        batch=batch,
        v2=version == XAPI_2_0,
    )
    seen: set[str] = set()
    for i, item in enumerate(validated):
        if "id" in item:
            if item["id"].lower() in seen:
                raise XapiInvalid((i, "id"), "appears twice in the batch")
            seen.add(item["id"].lower())
    for attempt in range(3):
        try:
            return _store(
                validated, authority=authority, now=now, batch=batch,
                attachments=attachments, version=version,
            )  # fmt: skip
        except IntegrityError:
            # Another writer stored one of these ids first; the retry compares them.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


#: Seconds a write's commit may take after its last check against the bound: the
#: Statement resource's ``X-Experience-API-Consistent-Through`` lags "now" by the bound
#: plus this (``consistent_through``).
COMMIT_ALLOWANCE_SECONDS = 1.0

#: SQLSTATE of a statement cancelled by its ``statement_timeout``.
QUERY_CANCELED = "57014"


class WriteTooSlow(refusals.Unavailable):
    """503: a statement write outlived ``LRS_WRITE_TIMEOUT_SECONDS`` and was rolled back."""


def consistency_lag_seconds() -> float:
    """How far ``X-Experience-API-Consistent-Through`` lags now: a statement stored
    before that instant has committed or been rolled back (``_store``)."""
    return settings.LRS_WRITE_TIMEOUT_SECONDS + COMMIT_ALLOWANCE_SECONDS


def _store(
    validated: list[dict[str, Any]],
    *,
    authority: dict[str, Any],
    now: Callable[[], datetime],
    batch: bool,
    attachments: dict[str, tuple[str, bytes]],
    version: str,
) -> list[str]:
    """Store the statements in one transaction that commits within the write bound of
    their ``stored`` instant, or not at all (``WriteTooSlow``).

    ``stored`` is taken inside the transaction, once it has its connection (and, on
    SQLite, the database's write lock): waiting for those is not part of the window.
    On PostgreSQL each statement of the write runs under the bound as its
    ``statement_timeout``; on both, the whole write is checked against it before the
    commit, which has ``COMMIT_ALLOWANCE_SECONDS`` more."""
    bound = settings.LRS_WRITE_TIMEOUT_SECONDS
    too_slow = WriteTooSlow(
        f"The statements could not be stored within {bound:g} s; nothing was stored. Retry."
    )
    try:
        with transaction.atomic(using="learning"):
            began = time.monotonic()
            dialects.installed().bound_write(bound)
            ids = _write(
                validated, authority=authority, stored=now(), batch=batch,
                attachments=attachments, version=version,
            )  # fmt: skip
            if time.monotonic() - began > bound:
                raise too_slow
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == QUERY_CANCELED:
            raise too_slow from exc  # The statement_timeout: the bound passed mid-write.
        raise
    return ids


def _write(
    validated: list[dict[str, Any]],
    *,
    authority: dict[str, Any],
    stored: datetime,
    batch: bool,
    attachments: dict[str, tuple[str, bytes]],
    version: str,
) -> list[str]:
    prepared = [
        _prepare(item, stored=stored, authority=authority, version=version) for item in validated
    ]
    ids = [item.row.id for item in prepared]
    # One query: the ids already stored, and earlier voiding statements aimed at ours.
    # Only ids the client chose can be either: the LRS's own are new.
    chosen = [item.row.id for item in prepared if item.client_id]
    existing: dict[uuid.UUID, str] = {}
    voided_by: dict[uuid.UUID, uuid.UUID] = {}
    for row_id, fingerprint, voids in (
        Statement.objects.filter(Q(id__in=chosen) | Q(voids__in=chosen)).values_list(
            "id", "fingerprint", "voids"
        )
        if chosen
        else ()
    ):
        if row_id in ids:
            existing[row_id] = fingerprint
        if voids in ids:
            voided_by.setdefault(voids, row_id)
    _check_repeats(prepared, existing, batch=batch, v2=version == XAPI_2_0)
    new = [item for item in prepared if item.row.id not in existing]
    _check_voiding(new, order=ids, batch=batch)
    Statement.objects.bulk_create([item.row for item in new])
    StatementLink.objects.bulk_create([link for item in new for link in item.links])
    _catalogue_write(_definitions(new))
    Attachment.objects.bulk_create(
        [
            Attachment(sha2=sha2, content_type=content_type, content=content)
            for sha2, (content_type, content) in sorted(attachments.items())
        ],
        ignore_conflicts=True,
    )
    statements_recorded_publish(rows=[item.row for item in new])
    _apply_voiding(new, stored=stored, voided_by=voided_by)
    return [str(i) for i in ids]


def _check_repeats(
    prepared: list[Prepared], existing: dict[uuid.UUID, str], *, batch: bool, v2: bool
) -> None:
    """A repeated id must be the same statement (Data §2.3.1): the same fingerprint,
    or — read only then — a stored document the comparison rules find equivalent."""
    differing = {
        item.row.id: (i, item)
        for i, item in enumerate(prepared)
        if item.row.id in existing and existing[item.row.id] != item.fingerprint
    }
    if not differing:
        return
    stored = dict(Statement.objects.filter(id__in=list(differing)).values_list("id", "document"))
    for row_id, (i, item) in sorted(differing.items(), key=lambda pair: pair[1][0]):
        if not statements_equivalent(stored[row_id], item.sent, v2=v2):
            where = f"statement {i}" if batch else "the statement"
            raise StatementConflict(
                f"{where}: id {row_id} is already stored with different content"
            )


def _check_voiding(new: list[Prepared], *, order: list[uuid.UUID], batch: bool) -> None:
    """A voiding statement may not target another voiding statement (xAPI-Data §2.3.2).
    ``order`` is the request's ids, so the error names the statement's position."""
    targets = {item.row.voids: order.index(item.row.id) for item in new if item.row.voids}
    if not targets:
        return
    voiding_in_batch = {item.row.id for item in new if item.row.voids}
    stored_voiding = set(
        Statement.objects.filter(id__in=list(targets), voids__isnull=False).values_list(
            "id", flat=True
        )
    )
    for target, i in targets.items():
        if target in voiding_in_batch or target in stored_voiding:
            raise XapiInvalid(
                (i, "object", "id") if batch else ("object", "id"),
                "a voiding statement cannot void another voiding statement",
            )


def _apply_voiding(
    new: list[Prepared], *, stored: datetime, voided_by: dict[uuid.UUID, uuid.UUID]
) -> None:
    """Mark the targets of new voiding statements voided, and new statements that an
    earlier voiding statement (``voided_by``) already targeted; publish each voiding once."""
    pairs: dict[uuid.UUID, uuid.UUID] = {
        item.row.voids: item.row.id for item in new if item.row.voids
    }
    new_ids = {item.row.id for item in new if not item.row.voids}
    for target, voiding_id in voided_by.items():
        if target in new_ids:
            pairs.setdefault(target, voiding_id)
    if not pairs:
        return
    targets = list(
        Statement.objects.select_for_update()
        .filter(id__in=sorted(pairs), voided=False, voids__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    Statement.objects.filter(id__in=targets).update(voided=True)
    for target in targets:
        statement_voided_publish(voided_id=target, voiding_id=pairs[target], voided_at=stored)
