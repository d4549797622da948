"""A member's learning record: the course activity recorded for them, newest first.

Callers ask ``learning_record()`` and get the legacy implementation (legacy's
``/api/users/{n}/activity`` through the client and the ACL, which turns each record
into the statement the sync copies) or the new one (the learning domain's published
member timeline, ``/api/v1/learning/members/<id>/timeline``, called in process through
Django's URL resolver), as ``LEGACY_PORTS["learning"]`` says (default ``legacy``).
Both give the same entries: ``ACTIVITY_FIELDS``, timestamps as UTC ISO 8601.

Authorisation: the timeline answers only the member themselves or a caller with
``user.read``, so ``activity_for_member`` takes the caller's ``Authorization`` header
value and the new implementation passes it through unchanged; a refusal raises
``LearningRecordRefused`` (``refusals.py``: kind ``unauthenticated`` or ``forbidden``).
The legacy implementation does not forward it — a platform token has no meaning to the
legacy system and must not leak to it — so the caller's right to read is the new
side's check alone: callers decide who may ask before calling the port, as they would
with any legacy read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from legacy_adapter.acl.resources import activity_from_legacy
from legacy_adapter.acl.values import number_for
from legacy_adapter.client import LegacyClient
from legacy_adapter.ports import legacy_side, new_side
from legacy_adapter.ports.choice import uses_new
from legacy_adapter.ports.refusals import LearningRecordRefused, refusal_for
from legacy_adapter.usage import AttributedClient
from legacy_adapter.wiring import legacy_client

ACTIVITY_FIELDS = ("id", "timestamp", "verb", "object_id", "object_name", "result")


class LearningRecord(Protocol):
    def activity_for_member(
        self, *, member_id: UUID, authorization: str | None = None
    ) -> list[dict]: ...


def _utc(timestamp: str) -> str:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(UTC).isoformat()


def _newest_first(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e["timestamp"], e["id"]), reverse=True)


class LegacyLearningRecord:
    def __init__(self, client: LegacyClient | None = None) -> None:
        self.client = AttributedClient(client or legacy_client(), "port:learning")

    def activity_for_member(
        self, *, member_id: UUID, authorization: str | None = None
    ) -> list[dict]:
        number = number_for("user", member_id)
        if number is None:
            return []  # born on the new side: legacy cannot know them
        activity = legacy_side.items(
            self.client, f"/api/users/{number}/activity", number_field="act_no",
            none_if_unknown=True,
        )  # fmt: skip
        return _newest_first([_entry(activity_from_legacy(item)) for item in activity])


def _entry(statement: dict) -> dict:
    """A statement (as the ACL makes it) as a port entry."""
    return {
        "id": statement["id"],
        "timestamp": _utc(statement["timestamp"]),
        "verb": statement["verb"]["id"],
        "object_id": statement["object"]["id"],
        "object_name": statement["object"].get("definition", {}).get("name", {}),
        "result": statement.get("result"),
    }


class NewLearningRecord:
    """The learning domain's member timeline, in process (no import of the domain)."""

    def activity_for_member(
        self, *, member_id: UUID, authorization: str | None = None
    ) -> list[dict]:
        status, timeline = new_side.pages(
            f"/api/v1/learning/members/{member_id}/timeline", authorization=authorization
        )
        if status != 200:
            raise refusal_for(LearningRecordRefused, status, None)
        return [
            {**{name: e[name] for name in ACTIVITY_FIELDS}, "timestamp": _utc(e["timestamp"])}
            for e in timeline
        ]


def learning_record() -> LearningRecord:
    return NewLearningRecord() if uses_new("learning") else LegacyLearningRecord()
