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
    #: Who vouched for the statement (the IFI of its xAPI ``authority``: the LRS client,
    #: member or service that wrote it). None in events published before it was carried.
    authority_ifi: str | None = None


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


@dataclass(frozen=True)
class TrustRule:
    """Evidence from ``authority`` (``clients/<key>``, ``clients/*``, ``services/*``,
    ``imports/*``) counts for verbs and activities starting with these prefixes (``*``: any)."""

    authority: str
    verbs: str = "*"
    activities: str = "*"

    @classmethod
    def parse(cls, text: str) -> "TrustRule":
        """``"<authority> [<verb prefix> [<activity prefix>]]"``, separated by spaces."""
        return cls(*text.split())


def _prefix(pattern: str, value: str) -> bool:
    return pattern == "*" or value.startswith(pattern)


def evidence_distrust(
    event: StatementRecorded, *, authority_home_page: str, rules: tuple[TrustRule, ...]
) -> str:
    """Why ``event`` does not count as evidence, or "" when it does.

    The consumers' (passport's, reputation's) one rule for whose word counts. A
    member's own statements count about that member only. Any other writer counts
    where a rule names it (exactly, or its kind with ``*``) for the statement's verb and
    activity. Events from before authorities were carried count (the LRS refused
    members' statements about others before it published them).
    """
    if event.authority_ifi is None:
        return ""
    prefix = f"account:{authority_home_page}/"
    if not event.authority_ifi.startswith(prefix):
        return f"written by an unknown authority ({event.authority_ifi})"
    kind, _, name = event.authority_ifi.removeprefix(prefix).partition("|")
    if kind == "members":
        if event.actor_ifi == event.authority_ifi:
            return ""
        return "a member's statement about someone else"
    for rule in rules:
        if rule.authority in (f"{kind}/{name}", f"{kind}/*") and (
            _prefix(rule.verbs, event.verb_id) and _prefix(rule.activities, event.object_id)
        ):
            return ""
    return f"{kind}/{name} is not trusted for this verb and activity"
