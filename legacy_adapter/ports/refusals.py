"""What a port raises when a side refuses: one exception per capability, same on both sides.

A refusal reaches the caller the same way whichever implementation runs: the legacy
side's ``{"error": {code, message}}`` goes through the ACL (``acl.values.
legacy_error_to_problem``) to a problem document, the new side answers a problem document
itself, and either becomes the capability's ``PortRefused`` subclass with a ``kind``
read from the status — so callers branch on ``kind``, never on which side answered.
The ``detail`` is the side's own sentence, for people.
"""

from __future__ import annotations

from legacy_adapter.acl.values import legacy_error_to_problem
from legacy_adapter.client import LegacyResponse

#: status -> kind of refusal, for statuses both sides use.
KINDS = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
}


class PortRefused(Exception):
    """A refused operation: ``kind`` is one of ``KINDS``' values, ``detail`` says why."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


class MemberRefused(PortRefused):
    pass


class BookingRefused(PortRefused):
    pass


class VoteRefused(PortRefused):
    pass


class RatingRefused(PortRefused):
    pass


class LearningRecordRefused(PortRefused):
    pass


class SideFailed(Exception):
    """A side answered with a status that is no refusal (5xx, or a 4xx no rule explains):
    a fault to surface, never to be read as an empty answer."""


def refusal_for(refused: type[PortRefused], status: int, problem: dict | None) -> Exception:
    """The exception for a problem document ``problem`` answered with ``status``."""
    problem = problem if isinstance(problem, dict) else {}
    detail = str(problem.get("detail") or problem.get("title") or f"status {status}")
    if status == 400 and problem.get("errors"):
        detail = "; ".join(f"{e.get('field')}: {e.get('detail')}" for e in problem["errors"])
    if status in KINDS:
        return refused(KINDS[status], detail)
    return SideFailed(f"status {status}: {detail}")


def legacy_refusal(refused: type[PortRefused], answer: LegacyResponse) -> Exception:
    """The exception for a legacy error answer, through the ACL (a body that is not the
    legacy error shape, or not JSON at all, still gives the status's kind)."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    return refusal_for(refused, answer.status, legacy_error_to_problem(answer.status, body))
