"""Learning's published events, version 1: the xAPI statements the LRS accepted or voided."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.registry import REGISTRY


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class StatementRecorded(Event):
    """The LRS stored an xAPI statement.

    ``actor_ifi`` is the actor's inverse functional identifier as one string, e.g.
    "mailto:ana@example.com" or "account:https://x|id"; the ``result_*`` fields are
    None when the statement has no result or the result leaves them out.
    """

    TYPE = "learning.statement_recorded"
    VERSION = 1

    statement_id: UUID
    actor_ifi: str
    verb_id: str
    object_id: str
    object_type: str
    timestamp: datetime
    stored: datetime
    registration: UUID | None = None
    result_score_scaled: float | None = None
    result_success: bool | None = None
    result_completion: bool | None = None


def member_account_id(actor_ifi: str, *, home_page: str) -> UUID | None:
    """The platform member an ``actor_ifi`` names, or None.

    A member appears in statements as an xAPI account on the platform's member home page,
    ``account:<home_page>|<member id>``; consumers pass the home page they are configured
    with. Any other actor (an e-mail address, another system's account) names no member.
    """
    prefix = f"account:{home_page}|"
    if not actor_ifi.startswith(prefix):
        return None
    try:
        return UUID(actor_ifi.removeprefix(prefix))
    except ValueError:
        return None


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class StatementVoided(Event):
    """A voiding statement voided an earlier statement, which consumers should discount."""

    TYPE = "learning.statement_voided"
    VERSION = 1

    statement_id: UUID
    voiding_statement_id: UUID
    voided_at: datetime
