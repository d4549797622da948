"""Governance's URLs, mounted at ``/api/v1/governance/``."""

from django.urls import path

from domains.governance.api import register
from domains.governance.api.lifecycle import ProposalCloseApi, ProposalTransitionApi
from domains.governance.api.proposals import ProposalCreateApi, ProposalDetailApi, ProposalListApi
from domains.governance.api.votes import CommentCreateApi, CommentListApi, VoteCastApi, VoteListApi

app_name = "governance"

P = "proposals/<uuid:proposal_id>"

urlpatterns = [
    path("proposals", ProposalListApi.as_view(), name="proposal-list"),
    path("proposals/create", ProposalCreateApi.as_view(), name="proposal-create"),
    path(P, ProposalDetailApi.as_view(), name="proposal-detail"),
    path(f"{P}/transition", ProposalTransitionApi.as_view(), name="proposal-transition"),
    path(f"{P}/close", ProposalCloseApi.as_view(), name="proposal-close"),
    path(f"{P}/vote", VoteCastApi.as_view(), name="vote-cast"),
    path(f"{P}/votes", VoteListApi.as_view(), name="vote-list"),
    path(f"{P}/comment", CommentCreateApi.as_view(), name="comment-create"),
    path(f"{P}/comments", CommentListApi.as_view(), name="comment-list"),
    path("register/tree-head", register.TreeHeadApi.as_view(), name="register-tree-head"),
    path("register/public-key", register.PublicKeyApi.as_view(), name="register-public-key"),
    path("register/entries", register.EntryListApi.as_view(), name="register-entry-list"),
    path(
        "register/proofs/inclusion", register.InclusionProofApi.as_view(), name="register-inclusion"
    ),
    path(
        "register/proofs/consistency",
        register.ConsistencyProofApi.as_view(),
        name="register-consistency",
    ),
]
