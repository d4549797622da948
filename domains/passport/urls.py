"""Passport's URLs, mounted at ``/api/v1/passport/``."""

from django.urls import path

from domains.passport.api.credentials import (
    CredentialIssueApi,
    CredentialRevokeApi,
    CredentialVerifyApi,
)
from domains.passport.api.frameworks import FrameworkDetailApi, FrameworkListApi
from domains.passport.api.passports import EndorsementCreateApi, PassportDetailApi, ShareCreateApi
from domains.passport.api.rules import FrameworkCreateApi, RuleCreateApi, RuleListApi

app_name = "passport"

urlpatterns = [
    path("frameworks", FrameworkListApi.as_view(), name="framework-list"),
    path("frameworks/create", FrameworkCreateApi.as_view(), name="framework-create"),
    path("frameworks/<uuid:framework_id>", FrameworkDetailApi.as_view(), name="framework-detail"),
    path("rules", RuleListApi.as_view(), name="rule-list"),
    path("rules/create", RuleCreateApi.as_view(), name="rule-create"),
    path("credentials/issue", CredentialIssueApi.as_view(), name="credential-issue"),
    path("credentials/verify", CredentialVerifyApi.as_view(), name="credential-verify"),
    path(
        "credentials/<uuid:credential_id>/revoke",
        CredentialRevokeApi.as_view(),
        name="credential-revoke",
    ),
    path("members/<uuid:member_id>/passport", PassportDetailApi.as_view(), name="member-passport"),
    path("members/<uuid:member_id>/shares", ShareCreateApi.as_view(), name="share-create"),
    path(
        "members/<uuid:member_id>/endorsements",
        EndorsementCreateApi.as_view(),
        name="endorsement-create",
    ),
]
