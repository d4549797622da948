"""Re-aggregating members' passports when their evidence changes, or deferring it.

Every learning statement (or voiding) that reaches the passport changes what its
holder's competencies are; ``evidence_recorded`` updates those members' passports
(``PassportSnapshot`` rows) in the same inbox transaction as the evidence, so a read
serves a current snapshot instead of aggregating (``selectors.passport_read``). New
evidence is applied incrementally (each snapshot keeps every rule's matching
statements), once per consumer batch; a voiding (``evidence_changed``) re-aggregates
the member in full (all its evidence against every mapping rule), as the catch-up
does. Ops may switch both off under load with the ``passport_reaggregation``
degradation flag:

- **degraded**: the snapshot is only marked ``pending_since`` (one ``UPDATE``/``INSERT``,
  in the inbox transaction, so a pending mark is never lost); reads serve the last
  snapshot, marked ``X-Degraded``;
- **catch-up** once the flag is off: the Celery beat task ``passport.reaggregate_pending``
  (every ``PASSPORT_CATCH_UP_SECONDS``) re-aggregates the pending members in batches,
  oldest first, each batch under row locks (``SKIP LOCKED``: two workers never take the
  same member); a member's next event re-aggregates it as well. While the flag is on the
  task does nothing. Reads do not depend on the catch-up for correctness: when not
  degraded they aggregate live for a member whose snapshot is pending.

A change of the mapping rules, competencies or frameworks changes every passport: it
marks every snapshot pending (``rules_changed``, on the models' save and delete
signals, so the admin, the API and the demo data are all covered; bulk queryset
updates send no signal and are not used on these models), and the catch-up rebuilds
them.

The row lock orders a re-aggregation against a deferral of the same member: the mark a
concurrent handler sets waits for the re-aggregation to commit, so it is never cleared
by a computation that did not see that handler's evidence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db import connections, transaction
from django.utils import timezone

from common.degradation import degraded
from domains.passport.apps import ALIAS
from domains.passport.domain.competencies import add_matches, held_from_matches
from domains.passport.metrics import REAGGREGATIONS
from domains.passport.models import Evidence, PassportSnapshot
from domains.passport.selectors import (
    competencies_listed,
    competency_table,
    evidence_detail,
    member_aggregate,
    rules_by_id,
    statement_of,
)

FLAG = "passport_reaggregation"


def evidence_recorded(*, evidence: list[Evidence], now: datetime) -> None:
    """New evidence (a consumer batch of statements): update its holders' passports
    incrementally, or defer that while degraded.

    Each snapshot keeps which statements every rule matched (``matches``); a new
    statement is matched against the rules and the levels follow from those sets, so
    the cost is the batch's own, not the members' whole history. One query for the
    rules, one for the competencies, one lock of the batch's snapshots and one bulk
    update per batch. A snapshot with no ``matches`` yet, or pending (rules changed,
    deferred), is aggregated in full once, which starts its ``matches``.
    """
    by_member: dict[UUID, list[Evidence]] = {}
    for item in evidence:
        by_member.setdefault(item.member_id, []).append(item)
    members = sorted(by_member)
    if not members:
        return
    if degraded(FLAG):
        _defer(members, now)
        return
    with transaction.atomic(using=ALIAS):
        rules = rules_by_id()
        competencies = competency_table({rule.competency for rule in rules.values()})
        snapshots = _locked(members, fresh_matches={}, batch=evidence)
        details: dict[str, dict] = {}
        incremental: list[tuple[PassportSnapshot, dict[str, set[str]]]] = []
        for snapshot in snapshots:
            if snapshot.matches is None or snapshot.pending_since is not None:
                snapshot.competencies, matches = member_aggregate(
                    member_id=snapshot.member_id, rules=rules, competencies=competencies
                )
                snapshot.matches = _stored(matches)
                continue
            matches = {rule_id: set(ids) for rule_id, ids in snapshot.matches.items()}
            fresh = by_member[snapshot.member_id]
            add_matches(matches, rules, map(statement_of, fresh))
            details.update(
                (d["statement_id"], d) for c in snapshot.competencies for d in c["evidence"]
            )
            details.update((str(e.statement_id), evidence_detail(e)) for e in fresh)
            incremental.append((snapshot, matches))
        held = {s.member_id: held_from_matches(rules, m) for s, m in incremental}
        missing = {
            sid for h in held.values() for c in h.values() for sid in c.evidence
        } - details.keys()
        if missing:  # statements a rule now satisfied by them had matched before
            details.update(
                (str(e.statement_id), evidence_detail(e))
                for e in Evidence.objects.using(ALIAS).filter(statement_id__in=missing)
            )
        for snapshot, matches in incremental:
            snapshot.competencies = competencies_listed(
                held[snapshot.member_id], details, competencies
            )
            snapshot.matches = _stored(matches)
        _store(snapshots, now)
    REAGGREGATIONS.labels("event").inc(len(members))


def evidence_changed(*, member_ids: Iterable[UUID], now: datetime) -> None:
    """Re-aggregate these members' passports in full (evidence was voided), or defer it
    while degraded."""
    members = sorted(set(member_ids))
    if not members:
        return
    if degraded(FLAG):
        _defer(members, now)
    else:
        with transaction.atomic(using=ALIAS):
            _reaggregate(members, now, cause="event")


def _store(snapshots: list[PassportSnapshot], now: datetime) -> None:
    """Write the snapshots as current: one UPDATE per row, sent together (psycopg's
    ``executemany`` pipelines them). ``bulk_update`` builds one ``CASE`` per column
    over every row, which cost more than the aggregation itself."""
    connection = connections[ALIAS]
    table, key = PassportSnapshot._meta.db_table, PassportSnapshot._meta.pk
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET competencies = %s, matches = %s, aggregated_at = %s, "  # noqa: S608 - our table name
            "pending_since = NULL WHERE member_id = %s",
            [
                (
                    json.dumps(s.competencies),
                    json.dumps(s.matches),
                    at,
                    key.get_db_prep_value(s.member_id, connection),
                )
                for s in snapshots
            ],
        )


def _stored(matches: dict[str, set[str]]) -> dict[str, list[str]]:
    return {rule_id: sorted(ids) for rule_id, ids in matches.items() if ids}


def _locked(
    members: list[UUID], *, fresh_matches, batch: list[Evidence] = ()
) -> list[PassportSnapshot]:
    """The members' snapshots, created if missing, locked in a fixed order. A member
    with no evidence before ``batch`` has matched nothing: its snapshot starts from
    ``fresh_matches``; one with older evidence (and no snapshot) from None (in full)."""
    snapshots = PassportSnapshot.objects.using(ALIAS)
    new = set(members) - set(
        snapshots.filter(member_id__in=members).values_list("member_id", flat=True)
    )
    if new and fresh_matches is not None:
        older = set(
            Evidence.objects.using(ALIAS)
            .filter(member_id__in=new)
            .exclude(statement_id__in=[e.statement_id for e in batch])
            .values_list("member_id", flat=True)
            .distinct()
        )
    else:
        older = new
    snapshots.bulk_create(
        [
            PassportSnapshot(member_id=m, matches=None if m in older else fresh_matches)
            for m in sorted(new)
        ],
        ignore_conflicts=True,
    )
    return list(snapshots.select_for_update().filter(member_id__in=members).order_by("member_id"))


def _defer(members: list[UUID], now: datetime) -> None:
    snapshots = PassportSnapshot.objects.using(ALIAS)
    with transaction.atomic(using=ALIAS):
        snapshots.bulk_create(
            [PassportSnapshot(member_id=m, pending_since=now) for m in members],
            ignore_conflicts=True,
        )
        snapshots.filter(member_id__in=members, pending_since__isnull=True).update(
            pending_since=now
        )
    REAGGREGATIONS.labels("deferred").inc(len(members))


def _reaggregate(members: list[UUID], now: datetime, *, cause: str) -> None:
    """Lock (or create) each member's snapshot, then aggregate it in full and store it."""
    rules = rules_by_id()
    competencies = competency_table({rule.competency for rule in rules.values()})
    snapshots = _locked(members, fresh_matches=None)
    for snapshot in snapshots:
        snapshot.competencies, matches = member_aggregate(
            member_id=snapshot.member_id, rules=rules, competencies=competencies
        )
        snapshot.matches = _stored(matches)
    _store(snapshots, now)
    REAGGREGATIONS.labels(cause).inc(len(members))


def rules_changed(**_signal) -> None:
    """What a passport holds depends on the rules: every current snapshot is behind."""
    PassportSnapshot.objects.using(ALIAS).filter(pending_since__isnull=True).update(
        pending_since=timezone.now()
    )


def catch_up(*, now: datetime, batch_size: int = 100) -> int:
    """Re-aggregate every member whose re-aggregation was deferred; how many were.

    Nothing while ``passport_reaggregation`` is still degraded.
    """
    done = 0
    while not degraded(FLAG):
        with transaction.atomic(using=ALIAS):
            members = list(
                PassportSnapshot.objects.using(ALIAS)
                .select_for_update(skip_locked=True)
                .filter(pending_since__isnull=False)
                .order_by("pending_since", "member_id")
                .values_list("member_id", flat=True)[:batch_size]
            )
            if not members:
                break
            _reaggregate(members, now, cause="catch_up")
        done += len(members)
    return done
