"""Role grants and revocations: audited in the event store, published through the
outbox, reflected in the next token."""

import pytest

from domains.identity.models import RoleAssignment
from eventing.models import OutboxMessage
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

API = "/api/v1/identity"


def change(client, admin, user, action: str, role: str):
    return client.post(
        f"{API}/users/{user.id}/roles/{action}", {"role": role},
        content_type="application/json", **bearer(admin),
    )  # fmt: skip


def test_a_grant_and_a_revocation_are_audited_and_published(client, audit):
    admin, dana = member("admin"), member()
    granted = change(client, admin, dana, "grant", "moderator")
    assert granted.status_code == 200, granted.content
    assert granted.json()["roles"] == ["learner", "moderator"]
    # The next token carries the role; a moderator may read other members.
    assert client.get(f"{API}/users", **bearer(dana)).status_code == 200

    assert change(client, admin, dana, "revoke", "moderator").status_code == 200
    assert not RoleAssignment.objects.filter(user=dana).exists()
    assert client.get(f"{API}/users", **bearer(dana)).status_code == 403

    history = client.get(f"{API}/users/{dana.id}/roles/history", **bearer(admin)).json()["results"]
    assert [(h["change"], h["role"], h["by"]) for h in history] == [
        ("RoleGranted", "moderator", str(admin.id)),
        ("RoleRevoked", "moderator", str(admin.id)),
    ]
    published = OutboxMessage.objects.using("identity").filter(aggregate_id=str(dana.id))
    assert sorted(m.event_type for m in published) == [
        "identity.role_granted",
        "identity.role_revoked",
    ]
    payload = published.get(event_type="identity.role_granted").envelope["payload"]
    assert (payload["role"], payload["granted_by"]) == ("moderator", str(admin.id))


def test_changes_that_change_nothing_are_refused_naming_the_field(client, audit):
    admin, ana = member("admin"), member()
    for action, role in (("grant", "learner"), ("grant", "wizard"), ("revoke", "mentor")):
        response = change(client, admin, ana, action, role)
        assert response.status_code == 400, (action, role)
        assert response.json()["errors"][0]["field"] == "role"
    assert change(client, admin, ana, "grant", "mentor").status_code == 200
    assert change(client, admin, ana, "grant", "mentor").status_code == 400


def test_only_admins_grant_roles(client, audit):
    moderator, ana = member("moderator"), member()
    assert change(client, moderator, ana, "grant", "admin").status_code == 403
