"""Stored script on the platform's origin (issue 15, High 1): xAPI documents come back
with the type they were stored with, so every LRS answer must be one a browser
downloads and never renders — and a cross-site form (the alternate request syntax,
``POST ...?method=GET`` with the bearer token in a form field) must not display one."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from domains.identity.services.tokens import member_access_token
from domains.learning.authority import lrs_account
from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases="__all__")

SCRIPT = b"<html><body><script>fetch('/admin/')</script></body></html>"
STATE = "https://course.example/activities/one"


def _agent(user) -> str:
    return json.dumps(lrs_account("members", str(user.id)))


@pytest.fixture
def stored():
    """A learner stores a text/html State document holding a script about herself."""
    user = member()
    token = member_access_token(user=user)
    client = Client()
    params = {"activityId": STATE, "agent": _agent(user), "stateId": "page"}
    query = urlencode(params)
    put = client.generic(
        "PUT", f"/xapi/activities/state?{query}", SCRIPT, content_type="text/html",
        HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )  # fmt: skip
    assert put.status_code == 204, put.content
    return user, token, params


def _assert_never_rendered(response):
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_a_stored_html_document_is_a_download_with_a_sandbox_policy(stored):
    _, token, params = stored
    response = Client().get(
        f"/xapi/activities/state?{urlencode(params)}",
        HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.content == SCRIPT  # xAPI: the document as stored ...
    _assert_never_rendered(response)  # ... but no browser renders it


def _cross_site_form(token: str, params: dict, **fetch_metadata):
    """What a hostile page's auto-submitted form sends: the alternate syntax, the
    token in a form field, no CSRF token."""
    return Client().post(
        "/xapi/activities/state?method=GET",
        urlencode({**params, "Authorization": f"Bearer {token}",
                   "X-Experience-API-Version": "1.0.3"}),
        content_type="application/x-www-form-urlencoded",
        **fetch_metadata,
    )  # fmt: skip


def test_the_alternate_syntax_form_attack_does_not_render_the_document(stored):
    _, token, params = stored
    # A browser marks the navigation as cross-site: refused before any view runs.
    navigation = _cross_site_form(
        token, params, HTTP_SEC_FETCH_MODE="navigate", HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_SEC_FETCH_DEST="document",
    )  # fmt: skip
    assert navigation.status_code == 403
    assert navigation["Content-Type"] == "application/problem+json"
    assert b"<script>" not in navigation.content
    _assert_never_rendered(navigation)
    # A browser that sends no fetch metadata: the document is a download, sandboxed.
    old_browser = _cross_site_form(token, params)
    assert old_browser.status_code == 200
    _assert_never_rendered(old_browser)


@pytest.mark.parametrize(
    "path",
    ["about", "statements", "activities/state", "activities/profile", "agents",
     "agents/profile", "activities", "no-such-resource"],
)  # fmt: skip
def test_every_lrs_answer_carries_the_download_headers(path):
    """Errors and lists too: whatever a view answers under /xapi/."""
    response = Client().get(f"/xapi/{path}", HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    _assert_never_rendered(response)


def test_other_pages_keep_their_policy():
    response = Client().get("/api/v1/schema/")
    assert "Content-Disposition" not in response
