"""Marketplace: only listed spaces show; a space is online or has a place, and room."""

import pytest
from django.db import IntegrityError, transaction

from common.demo_ids import demo_member_id
from domains.marketplace.models import Space

pytestmark = pytest.mark.django_db(databases=["marketplace"])
OWNER = demo_member_id("owner@example.org")


def _space(**fields) -> Space:
    defaults = {"owner_id": OWNER, "name": "Room", "location": "Lyon", "capacity": 4}
    return Space.objects.create(**{**defaults, **fields})


def test_a_space_needs_a_place_unless_it_is_online():
    with pytest.raises(IntegrityError), transaction.atomic(using="marketplace"):
        _space(location="", is_online=False)
    assert _space(location="", is_online=True).pk


def test_capacity_is_at_least_one():
    with pytest.raises(IntegrityError), transaction.atomic(using="marketplace"):
        _space(capacity=0)


def test_only_listed_spaces_are_visible_and_filters_apply(api_client):
    big = _space(name="Big", capacity=20, status="listed")
    _space(name="Small", capacity=2, status="listed")
    hidden = _space(name="Draft", capacity=50, status="draft")
    body = api_client.get("/api/v1/marketplace/spaces", {"min_capacity": 10}).json()
    assert [s["name"] for s in body["results"]] == ["Big"]
    assert api_client.get(f"/api/v1/marketplace/spaces/{big.pk}").status_code == 200
    assert api_client.get(f"/api/v1/marketplace/spaces/{hidden.pk}").status_code == 404
