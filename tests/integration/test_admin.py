"""Django admin across every domain's database: each registered model's pages open,
an object added through the admin lands in its domain's database, and the admin's
own log (which points at users) is written to the users' database."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from common.demo_ids import demo_member_id
from domains.governance.models import Member, Proposal
from domains.identity.models import User
from domains.marketplace.models import Space
from domains.reputation.models import Rating

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root@example.com", "a-long-admin-password")
    client.force_login(user)
    return client


def _admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def test_every_registered_model_has_working_admin_pages(admin_client, rf):
    registry = admin.site._registry
    labels = {model._meta.app_label for model in registry}
    assert {
        "identity",
        "learning",
        "reputation",
        "passport",
        "governance",
        "marketplace",
        "gateway",
    } <= labels
    request = rf.get("/admin/")
    request.user = User.objects.get(email="root@example.com")
    read_only = set()
    for model, model_admin in registry.items():
        assert admin_client.get(_admin_url(model, "changelist")).status_code == 200, model
        # Projections and event-fed tables refuse additions on purpose: 403, never a 500.
        addable = model_admin.has_add_permission(request)
        expected = 200 if addable else 403
        assert admin_client.get(_admin_url(model, "add")).status_code == expected, model
        if not addable:
            read_only.add(model)
    # The tables fed by events stay read-only in the admin.
    assert {Member, Rating} <= read_only


def test_adding_a_space_in_the_admin_writes_to_marketplace_and_logs_to_identity(admin_client):
    response = admin_client.post(
        _admin_url(Space, "add"),
        {
            "owner_id": str(demo_member_id("owner@example.com")),
            "name": "Admin-made room",
            "description": "",
            "location": "Lisbon",
            "capacity": "6",
            "accessibility": '["quiet_room"]',
            "status": "listed",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    space = Space.objects.using("marketplace").get(name="Admin-made room")
    assert space.accessibility == ["quiet_room"]
    entry = LogEntry.objects.using("identity").get(object_id=str(space.pk))
    assert entry.user.email == "root@example.com"


def test_the_admin_refuses_a_lifecycle_step_backwards(admin_client):
    proposal = Proposal.objects.create(
        author_id=demo_member_id("a@example.com"), title="Final", summary="s", status="decided"
    )
    response = admin_client.post(
        _admin_url(Proposal, "change", proposal.pk),
        {
            "author_id": str(proposal.author_id),
            "title": "Final",
            "summary": "s",
            "status": "draft",
            "quorum": "3",
        },
    )
    assert response.status_code == 200
    assert "cannot move from decided to draft" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "decided"


def test_the_admin_refuses_unknown_accessibility_features(admin_client):
    response = admin_client.post(
        _admin_url(Space, "add"),
        {
            "owner_id": str(demo_member_id("owner@example.com")),
            "name": "Bad room",
            "location": "Lisbon",
            "capacity": "6",
            "accessibility": '["teleporter"]',
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert not Space.objects.filter(name="Bad room").exists()
