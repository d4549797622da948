"""The xAPI statement rules (``domain.xapi.validation``) on their own, without a
database or a request: every case of the API's table (``test_statement_validation``)
is refused here by the same property, so a rule can be tried in milliseconds; and
what the validator normalises or accepts by version is what the LRS stores."""

import pytest

from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.domain.xapi.validation import statement_validate
from domains.learning.tests.xapi.conftest import statement
from domains.learning.tests.xapi.test_statement_validation import CASES

ACTIVITY = {"id": "https://example.org/a"}
CONTEXT_2_0 = {
    "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@x.org"}}]
}


@pytest.mark.parametrize(("rule", "body", "field"), CASES, ids=[c[0] for c in CASES])
def test_an_invalid_statement_is_refused_naming_the_property(rule, body, field):
    with pytest.raises(XapiInvalid) as refused:
        statement_validate(body)
    assert refused.value.field == field, rule
    assert refused.value.kind == "invalid"
    assert refused.value.message


def test_in_a_batch_the_property_is_prefixed_by_the_statement_index():
    with pytest.raises(XapiInvalid) as refused:
        statement_validate(statement(actor={"mbox": "ana@example.com"}), (3,))
    assert refused.value.field == "3.actor.mbox"


def test_a_single_context_activity_becomes_a_list_and_the_input_is_left_alone():
    body = statement(context={"contextActivities": {"parent": ACTIVITY, "other": [ACTIVITY]}})
    normalised = statement_validate(body)
    assert normalised["context"]["contextActivities"] == {"parent": [ACTIVITY], "other": [ACTIVITY]}
    assert body["context"]["contextActivities"]["parent"] == ACTIVITY


@pytest.mark.parametrize(
    ("body", "accepted_by_1_0_3", "accepted_by_2_0"),
    [
        (statement(version="1.0.3"), True, True),
        (statement(version="2.0.0"), False, True),
        (statement(version="3.0.0"), False, False),
        (statement(timestamp="2026-03-01T12:00:00"), True, False),  # 2.0: a zone is required
        (statement(timestamp="2026-03-01T12:00:00Z"), True, True),
        (statement(context=CONTEXT_2_0), False, True),  # 2.0's context agents
    ],
)
def test_the_request_version_decides_what_is_accepted(body, accepted_by_1_0_3, accepted_by_2_0):
    for v2, accepted in ((False, accepted_by_1_0_3), (True, accepted_by_2_0)):
        if accepted:
            statement_validate(body, v2=v2)
        else:
            with pytest.raises(XapiInvalid):
                statement_validate(body, v2=v2)
