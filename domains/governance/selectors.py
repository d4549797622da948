"""Reads of governance data."""

from django.db.models import QuerySet

from domains.governance.models import Proposal


def proposal_list(*, status: str | None = None) -> QuerySet[Proposal]:
    queryset = Proposal.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    return queryset
