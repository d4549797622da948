"""Path traversal through the gateway (issue 15, High 2): encoded dot segments and
slashes reached the legacy host's ``/_control`` endpoint anonymously. The exact paths
of the audit must be refused with 400 and never reach legacy; what stays under
``/api/`` once normalised is matched and forwarded in its normalised form."""

import pytest

from gateway.paths import PathRefused, normalised

pytestmark = pytest.mark.django_db(databases="__all__")

ATTACKS = [
    ("get", "/api/..%2f_control"),
    ("get", "/api/%2e%2e/_control"),
    ("post", "/api/..%2f_control"),
    ("get", "/api/%2E%2E%2F_control"),
    ("get", "/api/users/..%2f..%2f_control"),
    ("get", "/api/./../_control"),
    ("get", "/api/%252e%252e/_control"),  # encoded twice: a later hop would decode it
    ("get", "/api/..%5c_control"),  # a backslash some servers read as a slash
    ("get", "/api/..%2fapi/v1/identity/me"),  # onto the new API, which is not proxied
]


@pytest.mark.parametrize(("method", "path"), ATTACKS)
def test_traversal_is_refused_and_never_reaches_legacy(client, gateway_env, method, path):
    before = gateway_env.control()
    kwargs = {"data": '{"delay_ms": 4000, "fail_status": 500}', "content_type": "application/json"}
    response = getattr(client, method)(path, **(kwargs if method == "post" else {}))
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    after = gateway_env.control()
    assert after["requests"] == before["requests"]  # legacy saw nothing (not even /_control)
    assert after["delay_ms"] == 0 and after["fail_status"] is None


def test_a_path_that_stays_under_api_is_served_normalised(client, gateway_env):
    response = client.get("/api/spaces/..%2fusers/./1")
    assert response.status_code == 200
    assert response.json()["user_no"] == 1


def test_decoded_characters_cannot_become_a_query_at_the_next_hop(client, gateway_env):
    response = client.get("/api/users/1%3Fx=1")  # the path segment "1?x=1", not user 1
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/api/a/b/../c", "/api/a/c"), ("/api/a/./b/", "/api/a/b/"), ("/api/a/..", "/api/"),
     ("/api/spaces", "/api/spaces")],
)  # fmt: skip
def test_normalisation(path, expected):
    assert normalised(path, prefix="/api/", excluded=("/api/v1/",)) == expected


@pytest.mark.parametrize("path", ["/api/..", "/api/../..", "/api/a/../../x", "/api/\x00"])
def test_refusals(path):
    with pytest.raises(PathRefused):
        normalised(path, prefix="/api/", excluded=("/api/v1/",))
