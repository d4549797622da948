"""Who may vote: a registered member in good standing, from published events only.

Registration comes from ``identity.member_registered``, roles from
``identity.role_granted`` / ``role_revoked``, reputation from ``reputation.changed``
(handlers.py). With ``GOVERNANCE_VOTE_MIN_REPUTATION`` above 0 a member needs that
reputation, unless they hold one of ``GOVERNANCE_VOTE_BYPASS_ROLES``.
"""

from uuid import UUID

from django.conf import settings

from domains.governance.models import Member, MemberStanding


def voting_refusal(*, member_id: UUID) -> str | None:
    """Why ``member_id`` may not vote, or None when they may."""
    if not Member.objects.using("governance").filter(member_id=member_id).exists():
        return "Governance has no record of your membership yet; try again shortly."
    minimum = settings.GOVERNANCE_VOTE_MIN_REPUTATION
    if minimum <= 0:
        return None
    standing = MemberStanding.objects.using("governance").filter(member_id=member_id).first()
    if standing and set(standing.roles) & set(settings.GOVERNANCE_VOTE_BYPASS_ROLES):
        return None
    if standing and standing.reputation is not None and standing.reputation >= minimum:
        return None
    return f"Voting needs a reputation of at least {minimum:g}."
