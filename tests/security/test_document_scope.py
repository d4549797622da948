"""xAPI documents were read, overwritten and deleted across members and clients
(issue 15, Medium 7). A member's token reaches only documents about that member; a
client reaches what it wrote unless it may read everything (``read_all``)."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from domains.learning.authority import lrs_account
from domains.learning.models import Document
from domains.learning.services.clients import lrs_client_create
from domains.learning.tests.xapi.conftest import basic
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases="__all__")

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
ACTIVITY = "https://course.example/activities/one"


def state(method: str, agent: dict, auth: dict, body: bytes = b'{"page": 3}'):
    query = urlencode({"activityId": ACTIVITY, "agent": json.dumps(agent), "stateId": "s"})
    return Client().generic(
        method, f"/xapi/activities/state?{query}", body if method in ("PUT", "POST") else "",
        content_type="application/json", **auth, **VERSION,
    )  # fmt: skip


def _agent(user) -> dict:
    return lrs_account("members", str(user.id))


@pytest.fixture(autouse=True)
def _no_limits(settings):
    settings.RATELIMIT_ENABLE = False


def test_a_member_reaches_only_documents_about_herself():
    ana, eve = member(), member()
    assert state("PUT", _agent(ana), bearer(ana)).status_code == 204
    for method in ("GET", "PUT", "POST", "DELETE"):
        assert state(method, _agent(ana), bearer(eve)).status_code == 403, method
    assert bytes(Document.objects.get().content) == b'{"page": 3}'
    # Nor about an e-mail address or anyone else.
    assert state("PUT", {"mbox": f"mailto:{ana.email}"}, bearer(eve)).status_code == 403
    assert state("GET", _agent(ana), bearer(ana)).json() == {"page": 3}


def test_a_member_reads_activity_profiles_but_never_writes_them():
    ana = member()
    query = urlencode({"activityId": ACTIVITY, "profileId": "p"})
    put = Client().put(
        f"/xapi/activities/profile?{query}", b"{}", content_type="application/json",
        HTTP_IF_NONE_MATCH="*", **bearer(ana), **VERSION,
    )  # fmt: skip
    assert put.status_code == 403
    read = Client().get(f"/xapi/activities/profile?{query}", **bearer(ana), **VERSION)
    assert read.status_code == 404  # allowed, and there is none


def test_a_client_without_read_all_reaches_only_what_it_wrote():
    writer, writer_secret = lrs_client_create(name="Tool A", read_all=False)
    other, other_secret = lrs_client_create(name="Tool B", read_all=False)
    admin_tool, admin_secret = lrs_client_create(name="Reporting", read_all=True)
    agent = {"mbox": "mailto:ana@example.com"}
    assert state("PUT", agent, basic(writer.key, writer_secret)).status_code == 204
    b = basic(other.key, other_secret)
    assert state("GET", agent, b).status_code == 404
    assert state("PUT", agent, b, b'{"page": 99}').status_code == 403
    assert state("DELETE", agent, b).status_code == 204  # deletes nothing of A's
    assert bytes(Document.objects.get().content) == b'{"page": 3}'
    assert state("GET", agent, basic(writer.key, writer_secret)).json() == {"page": 3}
    assert state("GET", agent, basic(admin_tool.key, admin_secret)).json() == {"page": 3}
