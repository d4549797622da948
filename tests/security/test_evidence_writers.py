"""Members wrote learning evidence for others (issue 15, High 4): with her own token a
learner posted statements whose actor is another member, whose timeline and passport
then showed a competency. A member's token now records only that member's learning;
LRS clients (tools) write for anyone with their ``authority`` recorded, and passport
and reputation count a writer's statements only where the trust policy says so."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.test import Client
from django.utils import timezone

from contracts.events import envelope_for
from contracts.learning.v1 import StatementRecorded, TrustRule, evidence_distrust
from domains.learning.authority import lrs_account
from domains.learning.domain.xapi.agents import agent_ifi
from domains.learning.models import Statement
from domains.learning.services.clients import lrs_client_create
from domains.learning.tests.xapi.conftest import basic
from domains.passport.models import Evidence
from domains.passport.selectors import passport_for
from domains.passport.tests.conftest import COMPLETED, COURSE, web_api  # noqa: F401 - fixture
from domains.reputation.handlers import _finished
from domains.reputation.services import rating_give
from domains.reputation.tests.test_anti_fraud import explanation as reputation_explanation
from eventing.inbox import apply_envelope
from tests.eventstore.fixtures import ledger_app  # noqa: F401 - fixture
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases="__all__")

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def statement(actor: dict, verb: str = COMPLETED, **more) -> dict:
    return {"actor": actor, "verb": {"id": verb}, "object": {"id": COURSE}, **more}


def post(body, **auth):
    return Client().post(
        "/xapi/statements", body, content_type="application/json", **VERSION, **auth
    )


def _me(user) -> dict:
    return lrs_account("members", str(user.id))


def test_a_learner_cannot_post_statements_about_another_member():
    learner, other = member(), member()
    for actor in (_me(other), {"mbox": f"mailto:{other.email}"}):
        response = post(statement(actor), **bearer(learner))
        assert response.status_code == 400, response.content
        assert [e["pointer"] for e in response.json()["errors"]] == ["#/actor"]
    # In a batch the statement is named; nothing of the batch is written.
    batch = [statement(_me(learner)), statement(_me(other))]
    response = post(batch, **bearer(learner))
    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["#/1/actor"]
    assert not Statement.objects.exists()
    # About herself she may.
    assert post(statement(_me(learner)), **bearer(learner)).status_code == 200


def test_a_learner_cannot_void_another_writers_statement():
    client, secret = lrs_client_create(name="Course player")
    learner = member()
    (stored,) = post(statement(_me(learner)), **basic(client.key, secret)).json()
    voiding = statement(
        _me(learner), verb="http://adlnet.gov/expapi/verbs/voided",
        object={"objectType": "StatementRef", "id": stored},
    )  # fmt: skip
    response = post(voiding, **bearer(learner))
    assert response.status_code == 400
    assert Statement.objects.filter(id=stored, voided=False).exists()


def test_a_tool_writes_for_anyone_and_its_authority_is_recorded():
    client, secret = lrs_client_create(name="Course player")
    learner = member()
    response = post(statement(_me(learner)), **basic(client.key, secret))
    assert response.status_code == 200
    row = Statement.objects.get()
    assert row.authority_ifi == agent_ifi(lrs_account("clients", client.key))


def deliver(actor_ifi: str, authority_ifi: str | None, verb: str = COMPLETED):
    now = datetime.now(UTC)
    event = StatementRecorded(
        statement_id=uuid4(), actor_ifi=actor_ifi, verb_id=verb, object_id=COURSE,
        object_type="Activity", timestamp=now, stored=now, authority_ifi=authority_ifi,
    )  # fmt: skip
    apply_envelope("passport", envelope_for(event, producer="learning"))
    return event


def _ifi(kind: str, name: str) -> str:
    return agent_ifi(lrs_account(kind, name))


def test_passport_counts_a_members_statement_only_about_that_member(web_api):  # noqa: F811
    victim, writer = uuid4(), uuid4()
    event = deliver(_ifi("members", str(victim)), _ifi("members", str(writer)))
    assert passport_for(member_id=victim)["competencies"] == []
    # Kept, with the reason it does not count.
    assert "someone else" in Evidence.objects.get(statement_id=event.statement_id).distrust
    deliver(_ifi("members", str(victim)), _ifi("members", str(victim)))
    (competency,) = passport_for(member_id=victim)["competencies"]
    assert competency["evidence"][0]["authority"] == _ifi("members", str(victim))


def test_which_tools_count_for_which_activities_is_configurable(web_api, settings):  # noqa: F811
    settings.EVIDENCE_TRUSTED_AUTHORITIES = ["clients/lrs_trusted * https://learn.example.org/"]
    holder = uuid4()
    deliver(_ifi("members", str(holder)), _ifi("clients", "lrs_other"))
    assert passport_for(member_id=holder)["competencies"] == []
    event = deliver(_ifi("members", str(holder)), _ifi("clients", "lrs_trusted"))
    (competency,) = passport_for(member_id=holder)["competencies"]
    assert competency["evidence"][0]["statement_id"] == str(event.statement_id)
    assert competency["evidence"][0]["authority"] == _ifi("clients", "lrs_trusted")


def test_reputation_counts_completions_by_the_same_rule(settings):
    member_ifi = _ifi("members", str(uuid4()))
    now = datetime.now(UTC)
    common = {
        "statement_id": uuid4(), "actor_ifi": member_ifi, "verb_id": COMPLETED,
        "object_id": COURSE, "object_type": "Activity", "timestamp": now, "stored": now,
    }  # fmt: skip
    assert _finished(StatementRecorded(**common, authority_ifi=member_ifi))
    assert not _finished(StatementRecorded(**common, authority_ifi=_ifi("members", "x")))
    settings.EVIDENCE_TRUSTED_AUTHORITIES = []
    assert not _finished(StatementRecorded(**common, authority_ifi=_ifi("clients", "lrs_1")))


@pytest.mark.parametrize(
    ("rule", "verb", "activity", "counts"),
    [("clients/*", COMPLETED, COURSE, True), ("clients/lrs_1", COMPLETED, COURSE, True),
     ("clients/lrs_2", COMPLETED, COURSE, False),
     ("clients/lrs_1 http://adlnet.gov/expapi/verbs/passed", COMPLETED, COURSE, False),
     ("clients/lrs_1 * https://elsewhere.example/", COMPLETED, COURSE, False),
     ("services/*", COMPLETED, COURSE, False)],
)  # fmt: skip
def test_trust_rules(rule, verb, activity, counts):
    now = datetime.now(UTC)
    event = StatementRecorded(
        statement_id=uuid4(), actor_ifi="mailto:a@example.org", verb_id=verb, object_id=activity,
        object_type="Activity", timestamp=now, stored=now, authority_ifi=_ifi("clients", "lrs_1"),
    )  # fmt: skip
    home = lrs_account("clients", "x")["account"]["homePage"].removesuffix("/clients")
    reason = evidence_distrust(event, authority_home_page=home, rules=(TrustRule.parse(rule),))
    assert (reason == "") is counts


def _reputation_deliver(actor_ifi: str, authority_ifi: str | None) -> StatementRecorded:
    now = datetime.now(UTC)
    event = StatementRecorded(
        statement_id=uuid4(), actor_ifi=actor_ifi, verb_id=COMPLETED, object_id=COURSE,
        object_type="Activity", timestamp=now, stored=now, authority_ifi=authority_ifi,
    )  # fmt: skip
    apply_envelope("reputation", envelope_for(event, producer="learning"))
    return event


def test_reputations_explanation_shows_the_authority_of_the_completion_it_counted(
    ledger_app,  # noqa: F811 - fixture
    settings,
):
    """A rating in a course's context is "verified" by a statement that the rater finished
    the course; the explanation names that statement and who vouched for it, and a
    completion from a writer the policy does not trust verifies nothing."""
    settings.EVIDENCE_TRUSTED_AUTHORITIES = ["clients/lrs_trusted"]
    self_reported, tool_reported, untrusted, mentor = uuid4(), uuid4(), uuid4(), uuid4()
    own = _ifi("members", str(self_reported))
    mine = _reputation_deliver(own, own)
    tools = _reputation_deliver(_ifi("members", str(tool_reported)), _ifi("clients", "lrs_trusted"))
    _reputation_deliver(_ifi("members", str(untrusted)), _ifi("clients", "lrs_other"))
    # A member's token cannot vouch for another member's completion either.
    _reputation_deliver(_ifi("members", str(untrusted)), _ifi("members", str(mentor)))
    for rater in (self_reported, tool_reported, untrusted):
        rating_give(
            rater_id=rater, ratee_id=mentor, context_type="activity", context_id=COURSE,
            score=5, given_at=timezone.now() - timedelta(hours=1),
        )  # fmt: skip
    shown = {row["rater_id"]: row for row in reputation_explanation(mentor)}
    assert shown[str(self_reported)]["context_verified"] is True
    assert shown[str(self_reported)]["context_evidence"]["statement_id"] == str(mine.statement_id)
    assert shown[str(self_reported)]["context_evidence"]["authority"] == own
    assert shown[str(tool_reported)]["context_evidence"] == {
        "statement_id": str(tools.statement_id),
        "authority": _ifi("clients", "lrs_trusted"),
        "completed_at": tools.timestamp.isoformat().replace("+00:00", "Z"),
    }
    assert shown[str(untrusted)]["context_verified"] is False
    assert shown[str(untrusted)]["context_evidence"] is None
