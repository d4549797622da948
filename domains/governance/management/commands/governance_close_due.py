"""``manage.py governance_close_due``: count the votes of every proposal past its deadline.

Closing is also open to any voter over the API; this is for a scheduler (cron, a
Kubernetes CronJob), so that results do not wait for someone to ask.
"""

from django.core.management.base import BaseCommand

from common import clock
from domains.governance import services
from domains.governance.domain.lifecycle import ProposalStatus
from domains.governance.domain.proposal import NotAllowedNow
from domains.governance.models import Proposal
from eventing.eventstore import ConcurrencyConflict


class Command(BaseCommand):
    help = "Close the vote of every proposal whose deadline has passed."

    def handle(self, *args, **options):
        due = Proposal.objects.using("governance").filter(
            status=ProposalStatus.VOTING, voting_deadline__lte=clock.now()
        )
        closed = 0
        for proposal_id in due.values_list("id", flat=True):
            try:
                services.proposal_close(proposal_id=proposal_id)
                closed += 1
            except (NotAllowedNow, ConcurrencyConflict):
                continue  # Closed meanwhile by someone else.
        self.stdout.write(f"governance: {closed} proposals closed")
