"""The platform's own view of a member's learning (``/api/v1/learning/members/...``),
built from the statements the LRS stored: a timeline and progress per activity."""

import pytest
from django.conf import settings

from domains.learning.tests.xapi.conftest import Lrs, statement
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["learning", "identity"])

COURSE = "https://learn.example.org/courses/django-basics"
QUIZ = "https://learn.example.org/quizzes/1"


def as_member(user):
    return {"HTTP_AUTHORIZATION": bearer(user)["HTTP_AUTHORIZATION"]}


def test_timeline_and_progress_of_a_member(lrs, api_client):
    ana, other = member(), member()
    account = {"homePage": f"{settings.LRS_AUTHORITY_HOMEPAGE}/members", "name": str(ana.pk)}
    quiz = {"id": QUIZ, "definition": {"name": {"en-US": "Quiz 1"}}}
    # A learning tool names Ana by her platform account; Ana also records one herself.
    lrs.post([
        statement(actor={"account": account}, verb={"id": "http://adlnet.gov/expapi/verbs/attempted"},
                  object=quiz, result={"score": {"scaled": 0.4}, "success": False},
                  timestamp="2026-01-01T10:00:00Z"),
        statement(actor={"account": account}, verb={"id": "http://adlnet.gov/expapi/verbs/passed"},
                  object=quiz, result={"score": {"scaled": 0.9}, "success": True},
                  timestamp="2026-01-02T10:00:00Z"),
        statement(timestamp="2026-01-03T10:00:00Z"),  # somebody else's
    ])  # fmt: skip
    # (a member's token records statements about that member only: issue 15)
    Lrs(bearer(ana)).post(statement(actor={"account": account}, timestamp="2026-01-04T10:00:00Z"))

    timeline = api_client.get(
        f"/api/v1/learning/members/{ana.pk}/timeline", **as_member(ana)
    ).json()
    assert timeline["count"] == 3
    first = timeline["results"][0]
    assert first["object_id"] == COURSE and first["verb_display"] == {"en-US": "completed"}
    assert [e["verb"].rsplit("/", 1)[-1] for e in timeline["results"]] == [
        "completed", "passed", "attempted",
    ]  # fmt: skip

    progress = api_client.get(
        f"/api/v1/learning/members/{ana.pk}/progress", **as_member(ana)
    ).json()["results"]
    by_activity = {p["activity_id"]: p for p in progress}
    assert by_activity[QUIZ] == {
        "activity_id": QUIZ, "name": {"en-US": "Quiz 1"}, "statements": 2, "completed": True,
        "success": True, "best_score_scaled": 0.9, "last_at": "2026-01-02T10:00:00Z",
    }  # fmt: skip
    assert by_activity[COURSE]["completed"] is True

    forbidden = api_client.get(f"/api/v1/learning/members/{ana.pk}/timeline", **as_member(other))
    assert forbidden.status_code == 403
    moderator = member("moderator")
    allowed = api_client.get(f"/api/v1/learning/members/{ana.pk}/progress", **as_member(moderator))
    assert allowed.status_code == 200
