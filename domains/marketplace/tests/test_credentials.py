"""Credentials: a space is bookable only with a verified credential, and a lapsed one
stops bookings from that very moment (no job)."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.models import Space, SpaceCredential
from domains.marketplace.services.bookings import booking_hold
from domains.marketplace.services.errors import StateConflict
from domains.marketplace.tests.conftest import (
    ALIAS,
    EVERY_DAY_8_TO_20,
    bookable_space,
    client_for,
    principal,
    tomorrow_at,
)
from eventing.models import OutboxMessage

pytestmark = pytest.mark.django_db(databases=[ALIAS])
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def hold_at(space, now):
    start = NOW.replace(hour=10) + timedelta(days=2)
    return booking_hold(
        space_id=space.pk, member_id=uuid4(), starts_at=start,
        ends_at=start + timedelta(hours=1), now=now,
    )  # fmt: skip


def test_a_verified_credential_makes_a_space_bookable_until_the_moment_it_expires():
    space = bookable_space(now=NOW, credential_days=1)
    expiry = space.credentials.using(ALIAS).get().expires_at
    assert hold_at(space, now=expiry - timedelta(seconds=1)).status == "held"
    with pytest.raises(StateConflict, match="verified credential"):
        hold_at(space, now=expiry)


def test_an_expired_or_unverified_credential_is_refused_by_the_api():
    space = bookable_space(credential_days=-1)  # expired yesterday
    body = {"space_id": str(space.pk), "starts_at": tomorrow_at(10).isoformat(),
            "ends_at": tomorrow_at(11).isoformat()}  # fmt: skip
    refused = client_for(principal()).post("/api/v1/marketplace/bookings/hold", body, format="json")
    assert refused.status_code == 409
    assert "credential" in refused.json()["detail"]
    SpaceCredential.objects.using(ALIAS).update(
        expires_at=NOW + timedelta(days=3650), status=CredentialStatus.PENDING
    )
    assert (
        client_for(principal())
        .post("/api/v1/marketplace/bookings/hold", body, format="json")
        .status_code
        == 409
    )
    SpaceCredential.objects.using(ALIAS).update(status=CredentialStatus.VERIFIED)
    assert (
        client_for(principal())
        .post("/api/v1/marketplace/bookings/hold", body, format="json")
        .status_code
        == 201
    )


def test_owner_submits_moderator_verifies_owner_lists_and_space_listed_is_published():
    owner, moderator = principal("space.manage_own"), principal("content.moderate")
    as_owner, as_moderator = client_for(owner), client_for(moderator)
    created = as_owner.post(
        "/api/v1/marketplace/spaces/create",
        {"name": "Attic", "location": "Porto", "capacity": 5, "opening_hours": EVERY_DAY_8_TO_20,
         "timezone": "Europe/Lisbon", "accessibility": ["quiet_room"]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    space_id = created.json()["id"]
    publish = f"/api/v1/marketplace/spaces/{space_id}/publish"
    assert as_owner.post(publish).status_code == 409  # no verified credential yet
    submitted = as_owner.post(
        f"/api/v1/marketplace/spaces/{space_id}/credentials",
        {"kind": "safety_certificate", "issuer": "City", "reference": "S-9",
         "expires_at": (datetime.now(UTC) + timedelta(days=90)).isoformat()},
        format="json",
    )  # fmt: skip
    assert submitted.status_code == 201, submitted.content
    pending = as_moderator.get("/api/v1/marketplace/credentials/pending").json()["results"]
    assert [c["id"] for c in pending] == [submitted.json()["id"]]
    assert as_owner.get("/api/v1/marketplace/credentials/pending").status_code == 403
    review = f"/api/v1/marketplace/credentials/{submitted.json()['id']}/review"
    assert as_moderator.post(review, {"verified": True}, format="json").status_code == 200
    assert as_moderator.post(review, {"verified": False}, format="json").status_code == 409
    assert as_owner.post(publish).json()["status"] == "listed"
    assert Space.objects.using(ALIAS).get(pk=space_id).status == "listed"
    listed = OutboxMessage.objects.using(ALIAS).get(event_type="marketplace.space_listed")
    assert listed.envelope["payload"]["space_id"] == space_id
    stranger = client_for(principal("space.manage_own"))
    assert stranger.post(publish).status_code == 403
