"""Governance's URLs, mounted at ``/api/v1/governance/``."""

from django.urls import path

from domains.governance.api.proposals import ProposalDetailApi, ProposalListApi

app_name = "governance"

urlpatterns = [
    path("proposals", ProposalListApi.as_view(), name="proposal-list"),
    path("proposals/<uuid:proposal_id>", ProposalDetailApi.as_view(), name="proposal-detail"),
]
