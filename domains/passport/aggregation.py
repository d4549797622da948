"""Re-aggregating members' passports when their evidence changes, or deferring it.

Every learning statement (or voiding) that reaches the passport changes what its
holder's competencies are; ``evidence_changed`` re-aggregates those members' passports
into ``PassportSnapshot`` rows in the same inbox transaction as the evidence, so a
read serves a current snapshot instead of aggregating (``selectors.passport_read``).
Re-aggregating is the expensive step (all the member's evidence against every mapping
rule), and the one ops may switch off under load with the ``passport_reaggregation``
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

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from common.degradation import degraded
from domains.passport.metrics import REAGGREGATIONS
from domains.passport.models import PassportSnapshot
from domains.passport.selectors import competencies_aggregate

FLAG = "passport_reaggregation"
ALIAS = "passport"


def evidence_changed(*, member_ids: Iterable[UUID], now: datetime) -> None:
    """Re-aggregate these members' passports, or defer it while degraded."""
    members = sorted(set(member_ids))
    if not members:
        return
    if degraded(FLAG):
        _defer(members, now)
    else:
        with transaction.atomic(using=ALIAS):
            _reaggregate(members, now, cause="event")


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
    """Lock (or create) each member's snapshot, then aggregate and store it."""
    snapshots = PassportSnapshot.objects.using(ALIAS)
    snapshots.bulk_create([PassportSnapshot(member_id=m) for m in members], ignore_conflicts=True)
    locked = snapshots.select_for_update().filter(member_id__in=members).order_by("member_id")
    for snapshot in locked:
        snapshot.competencies = competencies_aggregate(member_id=snapshot.member_id)
        snapshot.aggregated_at, snapshot.pending_since = now, None
        snapshot.save(update_fields=["competencies", "aggregated_at", "pending_since"])
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
