"""Learning events passport subscribes to (consumer group ``passport``).

Each statement becomes an ``Evidence`` row in the inbox transaction, so a redelivery
has no second effect and replaying the events rebuilds the same evidence; a voided
statement is marked, and every level it alone supported falls back (levels are
computed from the evidence that still stands, see ``selectors.passport_for``). Then
the holders' passports are updated — incrementally for new evidence, once per batch
(``aggregation.evidence_recorded``), in full for a voiding (``evidence_changed``) — or
that is deferred while degraded, in the same transaction.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from django.conf import settings
from django.utils import timezone

from contracts.envelope import Envelope
from contracts.learning.v1 import (
    StatementRecorded,
    StatementVoided,
    TrustRule,
    evidence_distrust,
    member_account_id,
)
from domains.passport.aggregation import evidence_changed, evidence_recorded
from domains.passport.models import Evidence
from eventing.handlers import handles


def holder_id(actor_ifi: str) -> UUID:
    """The passport holder of an xAPI actor.

    A platform member's account IFI (``account:<member home page>|<member id>``) names
    the member; any other actor gets a stable id of its own, UUIDv5 of the IFI (for
    ``mailto:`` IFIs, the id ``common.demo_ids`` gives that address).
    """
    member = member_account_id(actor_ifi, home_page=settings.PASSPORT_MEMBER_ACCOUNT_HOMEPAGE)
    return member or uuid5(NAMESPACE_URL, actor_ifi)


def distrust(event: StatementRecorded) -> str:
    """Why the statement is no evidence ("" when it is): the shared rule, this
    platform's trusted authorities (``EVIDENCE_TRUSTED_AUTHORITIES``)."""
    return evidence_distrust(
        event,
        authority_home_page=settings.LRS_AUTHORITY_HOMEPAGE,
        rules=tuple(TrustRule.parse(r) for r in settings.EVIDENCE_TRUSTED_AUTHORITIES),
    )


@handles(StatementRecorded, group="passport", batch=True)
def statements_recorded(items: list[tuple[StatementRecorded, Envelope]]) -> None:
    # The same statement id is the same statement (xAPI): a second copy adds nothing.
    evidence = [
        Evidence(
            statement_id=e.statement_id,
            actor_ifi=e.actor_ifi,
            member_id=holder_id(e.actor_ifi),
            verb_id=e.verb_id,
            object_id=e.object_id,
            object_type=e.object_type or "",
            score_scaled=e.result_score_scaled,
            success=e.result_success,
            timestamp=e.timestamp,
            authority_ifi=e.authority_ifi or "",
            distrust=distrust(e),
        )
        for e, _ in items
    ]
    Evidence.objects.bulk_create(evidence, ignore_conflicts=True)
    # Kept but not counted: evidence from an authority not trusted for it (distrust).
    evidence_recorded(evidence=[e for e in evidence if not e.distrust], now=timezone.now())


@handles(StatementVoided, group="passport")
def statement_voided(event: StatementVoided, envelope: Envelope) -> None:
    standing = Evidence.objects.filter(statement_id=event.statement_id, voided_at__isnull=True)
    members = list(standing.values_list("member_id", flat=True))
    standing.update(voided_at=event.voided_at)
    evidence_changed(member_ids=members, now=timezone.now())
