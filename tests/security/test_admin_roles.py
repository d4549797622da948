"""Admins manage roles in the Django admin too; those changes are audited and
published exactly like changes over the API."""

import pytest
from django.urls import reverse

from domains.identity.models import RoleAssignment
from domains.identity.selectors import role_history
from eventing.models import OutboxMessage
from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])


def test_ticking_a_role_in_the_admin_grants_it_with_an_audit_entry(client, audit):
    admin = member(is_staff=True, is_superuser=True)
    client.force_login(admin)
    bruno = member(display_name="Bruno")
    url = reverse("admin:identity_user_change", args=[bruno.pk])
    form = {
        "email": bruno.email, "display_name": "Bruno", "bio": "", "languages": "[]",
        "avatar_url": "", "visibility": "members", "is_active": "on",
    }  # fmt: skip
    response = client.post(url, {**form, "granted_roles": ["mentor", "moderator"]})
    assert response.status_code == 302, response.content
    assert set(RoleAssignment.objects.filter(user=bruno).values_list("role_id", flat=True)) == {
        "mentor",
        "moderator",
    }
    assert client.post(url, {**form, "granted_roles": ["mentor"]}).status_code == 302
    changes = [(c["change"], c["role"], c["by"]) for c in role_history(user=bruno)]
    assert changes == [
        ("RoleGranted", "mentor", admin.id),
        ("RoleGranted", "moderator", admin.id),
        ("RoleRevoked", "moderator", admin.id),
    ]
    published = OutboxMessage.objects.using("identity").filter(aggregate_id=str(bruno.id))
    assert published.count() == 3
