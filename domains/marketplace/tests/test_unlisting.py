"""A space follows its credentials: lapsed or revoked, it is unlisted (not searchable,
no free slots, ``marketplace.space_unlisted``); a verified renewal lists it again
(``marketplace.space_listed``). A space that never had a credential (a legacy import)
is not concerned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Space, SpaceCredential
from domains.marketplace.services.credentials import (
    credential_review,
    credential_revoke,
    credential_submit,
)
from domains.marketplace.services.errors import StateConflict
from domains.marketplace.services.spaces import spaces_unlist_lapsed
from domains.marketplace.tasks import unlist_lapsed
from domains.marketplace.tests.conftest import (
    ALIAS,
    bookable_space,
    client_for,
    principal,
    tomorrow_at,
)
from eventing.models import OutboxMessage

pytestmark = pytest.mark.django_db(databases=["marketplace"])


def _events() -> list[str]:
    rows = OutboxMessage.objects.using(ALIAS).order_by("id").values_list("event_type", flat=True)
    return list(rows)


def _listed_names(**query) -> list[str]:
    answer = client_for(principal()).get("/api/v1/marketplace/spaces", query)
    assert answer.status_code == 200, answer.content
    return [space["name"] for space in answer.json()["results"]]


def _free_slots(space: Space) -> list:
    start = tomorrow_at(8)
    answer = client_for(principal()).get(
        f"/api/v1/marketplace/spaces/{space.id}/availability",
        {"start": start.isoformat(), "end": (start + timedelta(hours=4)).isoformat(),
         "duration_minutes": 60},
    )  # fmt: skip
    return answer.json()["results"] if answer.status_code == 200 else []


def test_a_lapsed_credential_unlists_and_a_verified_renewal_relists():
    now = datetime.now(UTC)
    space = bookable_space(name="Maker lab", credential_days=1)
    assert "Maker lab" in _listed_names() and _free_slots(space)

    later = now + timedelta(days=2)  # the credential lapsed meanwhile
    SpaceCredential.objects.using(ALIAS).filter(space=space).update(
        expires_at=now - timedelta(minutes=1)
    )
    assert "Maker lab" not in _listed_names()  # hidden at once, before any task
    assert "Maker lab" not in _listed_names(place="lyon")
    assert _free_slots(space) == []
    assert spaces_unlist_lapsed(now=later) == 1
    space.refresh_from_db()
    assert space.status == SpaceStatus.UNLISTED
    assert _events() == ["marketplace.space_unlisted"]
    assert spaces_unlist_lapsed(now=later) == 0  # once

    renewal = credential_submit(
        space_id=space.id, owner_id=space.owner_id, kind="safety_certificate", issuer="City",
        reference="SC-2", expires_at=now + timedelta(days=365), now=now,
    )  # fmt: skip
    assert "Maker lab" not in _listed_names()  # pending is not enough
    credential_review(credential_id=renewal.id, moderator_id=uuid4(), verified=True, now=now)
    space.refresh_from_db()
    assert space.status == SpaceStatus.LISTED
    assert _events() == ["marketplace.space_unlisted", "marketplace.space_listed"]
    assert "Maker lab" in _listed_names() and _free_slots(space)


def test_a_revoked_credential_unlists_at_once_through_the_api():
    space = bookable_space(name="Garden classroom")
    (credential,) = SpaceCredential.objects.using(ALIAS).filter(space=space)
    moderator = client_for(principal("content.moderate"))
    url = f"/api/v1/marketplace/credentials/{credential.id}/revoke"
    assert moderator.post(url, {}, format="json").status_code == 400  # a note is required
    answer = moderator.post(url, {"note": "the certificate is forged"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "revoked"
    space.refresh_from_db()
    assert space.status == SpaceStatus.UNLISTED
    assert "Garden classroom" not in _listed_names()
    assert _events() == ["marketplace.space_unlisted"]
    again = moderator.post(url, {"note": "twice"}, format="json")
    assert again.status_code == 409
    with pytest.raises(StateConflict):
        credential_revoke(credential_id=credential.id, moderator_id=uuid4(), note="x",
                          now=datetime.now(UTC))  # fmt: skip


def test_the_beat_task_unlists_and_a_space_without_credential_history_stays():
    lapsed = bookable_space(name="Lapsed")
    SpaceCredential.objects.using(ALIAS).filter(space=lapsed).update(
        expires_at=datetime.now(UTC) - timedelta(hours=1)
    )
    imported = Space.objects.using(ALIAS).create(
        owner_id=uuid4(), name="Imported", location="Lyon, FR", capacity=4,
        status=SpaceStatus.LISTED,
    )  # fmt: skip
    assert unlist_lapsed() == 1
    lapsed.refresh_from_db()
    imported.refresh_from_db()
    assert (lapsed.status, imported.status) == (SpaceStatus.UNLISTED, SpaceStatus.LISTED)
    assert _listed_names() == ["Imported"]
