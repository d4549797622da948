"""Wrong JSON types are refused, not coerced (issue 15, Low): ``ratee_id: false``
became the nil UUID and ``summary: 0`` the text "0"."""

import pytest

from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases="__all__")


def fields_of(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize("ratee", [False, 0, 12])
def test_a_rating_for_a_non_string_ratee_is_refused(client, ratee):
    response = client.post(
        "/api/v1/reputation/ratings",
        {"ratee_id": ratee, "context_type": "space", "context_id": "x", "score": 4},
        content_type="application/json", **bearer(member()),
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert "ratee_id" in fields_of(response)


@pytest.mark.parametrize("summary", [0, 1.5, True])
def test_a_proposal_with_a_non_string_summary_is_refused(client, summary):
    response = client.post(
        "/api/v1/governance/proposals/create",
        {"title": "A title", "summary": summary, "method": "majority", "quorum": 3},
        content_type="application/json", **bearer(member()),
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert "summary" in fields_of(response)
