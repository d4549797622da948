"""Demo proposals for ``make run``."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from common.demo_ids import demo_member_id
from domains.governance.domain.lifecycle import ProposalStatus
from domains.governance.models import Proposal

PROPOSALS = [
    ("Open a weekend study space", "Keep one space open on Saturdays.", ProposalStatus.VOTING),
    ("Adopt a code of conduct", "Adopt the community code of conduct v2.", ProposalStatus.DECIDED),
    ("Monthly mentoring fair", "Pair new members with mentors monthly.", ProposalStatus.DISCUSSION),
]


def load(stdout) -> None:
    author = demo_member_id("bruno@example.com")
    with transaction.atomic(using="governance"):
        for title, summary, status in PROPOSALS:
            Proposal.objects.get_or_create(
                title=title,
                defaults={
                    "author_id": author,
                    "summary": summary,
                    "status": status,
                    "voting_deadline": timezone.now() + timedelta(days=7),
                },
            )
    stdout.write(f"governance: {len(PROPOSALS)} proposals")
