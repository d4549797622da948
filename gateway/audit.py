"""The audit trail of route changes, in the event store of the ``default`` database.

Every change to a route's mode or flags, and to the global flags, is an event on that
route's ``RouteHistory`` (or the gateway's own history for global flags): who, when,
why, and the flags before and after. Event-sourced so the trail is append-only and can
be replayed, like the other audit stores of the platform.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event

from eventing.eventstore import DomainApplication, get_application

HISTORY_NAMESPACE = UUID("0b5a3c44-8a51-4d0a-9d2e-6d3b1e0a7f21")
#: The history of the global flags (kill-all, degradation), not of one route.
GLOBAL_SUBJECT = UUID("00000000-0000-0000-0000-000000000000")


class RouteHistory(Aggregate):
    """The changes made to one route (or, for ``GLOBAL_SUBJECT``, to the global flags)."""

    @staticmethod
    def create_id(subject_id: UUID) -> UUID:
        return uuid5(HISTORY_NAMESPACE, str(subject_id))

    @event("Opened")
    def __init__(self, subject_id: UUID) -> None:
        self.subject_id = subject_id
        self.changes: list[dict[str, Any]] = []

    @event("Changed")
    def record_change(
        self, *, actor: str, reason: str, action: str, before: dict, after: dict, at: str
    ) -> None:
        self.changes.append(
            {"actor": actor, "reason": reason, "action": action, "before": before,
             "after": after, "at": at}
        )  # fmt: skip


class GatewayAudit(DomainApplication):
    database_alias = "default"


def audit_record(
    *, subject_id: UUID, actor: str, reason: str, action: str, before: dict, after: dict, at: str
) -> None:
    app = get_application(GatewayAudit)
    history_id = RouteHistory.create_id(subject_id)
    try:
        history = app.repository.get(history_id)
    except AggregateNotFoundError:  # the subject's first change
        history = RouteHistory(subject_id=subject_id)
    history.record_change(
        actor=actor, reason=reason, action=action, before=before, after=after, at=at
    )
    app.save(history)


def audit_trail(*, subject_id: UUID) -> list[dict[str, Any]]:
    """The subject's changes, oldest first."""
    app = get_application(GatewayAudit)
    try:
        return list(app.repository.get(RouteHistory.create_id(subject_id)).changes)
    except AggregateNotFoundError:
        return []
