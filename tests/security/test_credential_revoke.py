"""Only the issuer or an admin revokes a credential, and the ``Revoked`` event records
who (issue 15, Medium 6): any mentor could revoke a credential another mentor issued,
and the event did not say who did."""

import pytest

from domains.passport.application import PassportApplication
from domains.passport.tests.conftest import clock, passport_app, web_api  # noqa: F401 - fixtures
from domains.passport.tests.test_credentials import API, issued, mentor  # noqa: F401 - fixtures
from eventing.eventstore import get_application
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["identity", "passport"])


def revoke(api_client, credential_id, user):
    return api_client.post(
        f"{API}/credentials/{credential_id}/revoke", {"reason": "why not"}, format="json",
        **bearer(user),
    )  # fmt: skip


def _revoked_by(credential_id) -> str | None:
    app = get_application(PassportApplication)
    events = list(app.repository.event_store.get(credential_id))
    revoked = [e for e in events if type(e).__name__ == "Revoked"]
    return str(revoked[-1].revoked_by) if revoked else None


def test_another_mentor_cannot_revoke(api_client, issued, mentor):  # noqa: F811
    other = member("mentor")
    response = revoke(api_client, issued["id"], other)
    assert response.status_code == 403
    assert _revoked_by(issued["id"]) is None
    assert revoke(api_client, issued["id"], mentor).status_code == 200
    assert _revoked_by(issued["id"]) == str(mentor.id)


def test_an_admin_may_revoke_and_is_recorded(api_client, issued):  # noqa: F811
    admin = member("admin")
    assert revoke(api_client, issued["id"], admin).status_code == 200
    assert _revoked_by(issued["id"]) == str(admin.id)
