"""Demo proposals for ``make run``, recorded through the event store like any other.

History is backdated by pointing the services' clock at the past, so one proposal
is already decided (its votes and decision in the register with signed tree heads),
one is being voted on and one is under discussion. Loading twice records nothing
new: proposals are found by title. Votes need the members in governance's directory
(identity's demo announces them); a member not there yet is skipped.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from common import clock
from common.demo_ids import demo_member_id
from domains.governance import services
from domains.governance.models import Proposal

MAJORITY, CONSENT = "majority", "consent"
PROPOSALS = [
    # title, summary, method, stage, votes (email, choice)
    ("Adopt a code of conduct", "Adopt the community code of conduct v2.", CONSENT, "decided",
     [("ana", "consent"), ("bruno", "consent"), ("chidi", "stand_aside"), ("dana", "consent")]),
    ("Open a weekend study space", "Keep one space open on Saturdays.", MAJORITY, "voting",
     [("ana", "yes"), ("chidi", "no")]),
    ("Monthly mentoring fair", "Pair new members with mentors monthly.", MAJORITY, "discussion",
     []),
]  # fmt: skip


def _clock_at(moment):
    return clock.set_to(moment)


def _member(name: str):
    return demo_member_id(f"{name}@example.com")


def _vote(proposal_id, votes) -> int:
    cast = 0
    for name, choice in votes:
        try:
            services.vote_cast(proposal_id=proposal_id, member_id=_member(name), choice=choice)
            cast += 1
        except services.NotEligible:
            continue
    return cast


def load(stdout) -> None:
    now, author, created = timezone.now(), _member("bruno"), 0
    for title, summary, method, stage, votes in PROPOSALS:
        if Proposal.objects.using("governance").filter(title=title).exists():
            continue
        start = now - timedelta(days=10) if stage == "decided" else now - timedelta(days=1)
        with _clock_at(start):
            proposal = services.proposal_create(
                author_id=author, title=title, summary=summary, method=method, quorum=3
            )
            services.proposal_transition(proposal_id=proposal.id, actor_id=author, action="discuss")
            services.proposal_comment(
                proposal_id=proposal.id, member_id=_member("ana"), body="Sounds good to me."
            )
        if stage == "discussion":
            created += 1
            continue
        deadline = now - timedelta(days=2) if stage == "decided" else now + timedelta(days=7)
        # The discussion's configured minimum (GOVERNANCE_MIN_DISCUSSION_SECONDS) has run.
        opens = start + timedelta(seconds=settings.GOVERNANCE_MIN_DISCUSSION_SECONDS)
        with _clock_at(opens):
            services.proposal_transition(
                proposal_id=proposal.id, actor_id=author, action="vote", deadline=deadline
            )
            _vote(proposal.id, votes)
        if stage == "decided":
            with _clock_at(deadline):
                services.proposal_close(proposal_id=proposal.id)
        created += 1
    stdout.write(
        f"governance: {len(PROPOSALS)} proposals ({created} new); decision register at "
        "/api/v1/governance/register/tree-head"
    )
