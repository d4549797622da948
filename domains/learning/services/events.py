"""The published events for stored and voided statements (contracts.learning.v1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction

from contracts.learning.v1 import StatementRecorded, StatementVoided
from domains.learning.domain.xapi.agents import agent_ifi
from domains.learning.domain.xapi.formats import parse_timestamp
from domains.learning.metrics import STATEMENTS_STORED
from eventing.outbox import outbox_publish, outbox_publish_many


def _object_id(obj: dict[str, Any]) -> str:
    kind = obj.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        return agent_ifi(obj)
    return obj.get("id", "")


def _recorded(statement: dict[str, Any]) -> tuple[StatementRecorded, str]:
    result = statement.get("result") or {}
    registration = (statement.get("context") or {}).get("registration")
    event = StatementRecorded(
        statement_id=UUID(statement["id"]),
        actor_ifi=agent_ifi(statement["actor"]),
        verb_id=statement["verb"]["id"],
        object_id=_object_id(statement["object"]),
        object_type=statement["object"].get("objectType", "Activity"),
        timestamp=parse_timestamp(statement["timestamp"]),
        stored=parse_timestamp(statement["stored"]),
        registration=UUID(registration) if registration else None,
        result_score_scaled=(result.get("score") or {}).get("scaled"),
        result_success=result.get("success"),
        result_completion=result.get("completion"),
    )
    return event, statement["id"]


def statements_recorded_publish(*, statements: list[dict[str, Any]]) -> None:
    """Announce newly stored statements, in one outbox insert for the whole batch."""
    if not statements:
        return
    outbox_publish_many(
        alias="learning", producer="learning", events=[_recorded(s) for s in statements]
    )
    transaction.on_commit(lambda: STATEMENTS_STORED.inc(len(statements)), using="learning")


def statement_voided_publish(*, voided_id: UUID, voiding_id: UUID, voided_at: datetime) -> None:
    event = StatementVoided(
        statement_id=voided_id, voiding_statement_id=voiding_id, voided_at=voided_at
    )
    outbox_publish(alias="learning", producer="learning", aggregate_id=str(voided_id), event=event)
