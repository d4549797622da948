"""The new side called in process (``legacy_adapter/ports/new_side.py``): whole lists,
whatever host names the process allows, and the caller's credential passed through."""

from __future__ import annotations

from uuid import uuid4

import pytest
from django.conf import settings

from domains.identity.services.tokens import access_token_issue
from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Space
from legacy_adapter.ports import new_side
from legacy_adapter.ports.members import NewMemberDirectory
from legacy_adapter.ports.refusals import MemberRefused
from legacy_adapter.ports.spaces import NewSpaceCatalogue

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_list_longer_than_a_page_is_read_whole_under_production_host_names(settings):
    """Pagination builds absolute ``next`` links from the request's host: the in-process
    request must carry a host this process accepts, not Django's test host."""
    settings.ALLOWED_HOSTS = [".platform.example"]
    Space.objects.using("marketplace").bulk_create(
        Space(owner_id=uuid4(), name=f"Room {n}", location="Lyon", capacity=4,
              status=SpaceStatus.LISTED)
        for n in range(130)
    )  # fmt: skip
    spaces = NewSpaceCatalogue().space_list()
    assert len(spaces) == 130 and len({s["id"] for s in spaces}) == 130


def test_the_callers_credential_is_what_the_domain_judges():
    someone = uuid4()
    issued = access_token_issue(
        subject=str(uuid4()), audience=settings.AUTH_AUDIENCE, kind="member", lifetime=600
    )
    with pytest.raises(MemberRefused) as anonymous:
        NewMemberDirectory().member_get(member_id=someone)
    assert anonymous.value.kind == "unauthenticated"
    with pytest.raises(MemberRefused) as other:
        NewMemberDirectory().member_get(member_id=someone, authorization=f"Bearer {issued}")
    assert other.value.kind == "forbidden"


def test_a_path_no_view_serves_is_a_404():
    assert new_side.get("/api/v1/nowhere") == (404, None)
