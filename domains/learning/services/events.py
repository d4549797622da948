"""The published events for stored and voided statements (contracts.learning.v1)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import transaction

from contracts.learning.v1 import StatementRecorded, StatementVoided
from domains.learning.metrics import STATEMENTS_STORED
from domains.learning.models import Statement
from eventing.outbox import outbox_publish, outbox_publish_many


def _recorded(row: Statement) -> tuple[StatementRecorded, str]:
    """The event from the row the store built: its indexed columns already hold the
    actor's IFI, the object, the times and the registration."""
    result = row.document.get("result") or {}
    event = StatementRecorded(
        statement_id=row.id,
        actor_ifi=row.actor_ifi,
        verb_id=row.verb_id,
        object_id=row.object_id,
        object_type=row.object_type,
        timestamp=row.timestamp,
        stored=row.stored,
        registration=row.registration,
        result_score_scaled=(result.get("score") or {}).get("scaled"),
        result_success=result.get("success"),
        result_completion=result.get("completion"),
        authority_ifi=row.authority_ifi,
    )
    return event, str(row.id)


def statements_recorded_publish(*, rows: list[Statement]) -> None:
    """Announce newly stored statements, in one outbox insert for the whole batch."""
    if not rows:
        return
    outbox_publish_many(alias="learning", producer="learning", events=[_recorded(r) for r in rows])
    transaction.on_commit(lambda: STATEMENTS_STORED.inc(len(rows)), using="learning")


def statement_voided_publish(*, voided_id: UUID, voiding_id: UUID, voided_at: datetime) -> None:
    event = StatementVoided(
        statement_id=voided_id, voiding_statement_id=voiding_id, voided_at=voided_at
    )
    outbox_publish(alias="learning", producer="learning", aggregate_id=str(voided_id), event=event)
