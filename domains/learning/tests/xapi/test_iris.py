"""IRI comparison (xAPI-Data §3.1.s2 in 1.0.3; IEEE 9274.1.1 §4.2.7 in 2.0).

Both versions let an LRS compare IRIs "only by" RFC 3987 §5.3.1 (simple string
comparison) and/or §5.3.2 (syntax-based normalisation), never by scheme- or
protocol-based normalisation (§5.3.3, §5.3.4), and with the same rule for IRIs in
parameters and in statements. This LRS compares by §5.3.1 everywhere (docs/xapi.md,
"IRIs"): an activity, verb or document is found by exactly the IRI it was stored
under, and IRIs come back exactly as sent.
"""

import json
from urllib.parse import urlencode

import pytest

from domains.learning.tests.xapi.conftest import new_id, statement

pytestmark = pytest.mark.django_db(databases=["learning"])

V2 = {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}
SENT = "HTTP://Learn.Example.org:80/courses/../courses/%7Ebasics"
#: What §5.3.2 (case, percent-encoding, dot segments) and §5.3.3 (default port) would
#: each make of SENT: different strings, so different activities here.
VARIANTS = [
    "http://learn.example.org:80/courses/~basics",
    "HTTP://Learn.Example.org/courses/../courses/%7Ebasics",
    "HTTP://Learn.Example.org:80/courses/%7Ebasics",
]


def _with_activity(iri: str, name: str) -> dict:
    return statement(
        id=new_id(),
        object={"objectType": "Activity", "id": iri, "definition": {"name": {"en": name}}},
    )


def _ids(response) -> set[str]:
    return {s["id"] for s in response.json()["statements"]}


@pytest.mark.parametrize("headers", [{}, V2], ids=["1.0.3", "2.0"])
def test_data_3_1_s2_iris_are_stored_returned_and_filtered_exactly_as_sent(lrs, headers):
    sent = _with_activity(SENT, "as sent")
    assert lrs.post(sent, **headers).status_code == 200
    got = lrs.get("statements", {"statementId": sent["id"]}, **headers).json()
    assert got["object"]["id"] == SENT
    assert _ids(lrs.get("statements", {"activity": SENT}, **headers)) == {sent["id"]}
    for variant in VARIANTS:
        assert _ids(lrs.get("statements", {"activity": variant}, **headers)) == set()
    activity = lrs.get("activities", {"activityId": SENT}, **headers).json()
    assert activity["id"] == SENT and activity["definition"]["name"] == {"en": "as sent"}


def test_data_3_1_s2_equivalent_looking_iris_name_different_activities(lrs):
    """§5.3.3 (a default port) and §5.3.2 (host case) are not applied: each string is
    its own activity, with its own definition; a trailing slash is a different IRI."""
    iris = [
        "http://learn.example.org/a",
        "http://learn.example.org:80/a",
        "http://LEARN.example.org/a",
        "http://learn.example.org/a/",
    ]
    for n, iri in enumerate(iris):
        assert lrs.post(_with_activity(iri, f"n{n}")).status_code == 200
    for n, iri in enumerate(iris):
        got = lrs.get("activities", {"activityId": iri}).json()
        assert (got["id"], got["definition"]["name"]) == (iri, {"en": f"n{n}"})


def test_data_3_1_s2_b2_the_same_rule_for_verbs_and_document_parameters(lrs):
    verb = "http://adlnet.gov/expapi/verbs/Completed"
    sent = statement(id=new_id(), verb={"id": verb})
    assert lrs.post(sent).status_code == 200
    assert _ids(lrs.get("statements", {"verb": verb})) == {sent["id"]}
    assert _ids(lrs.get("statements", {"verb": verb.lower()})) == set()
    agent = json.dumps({"mbox": "mailto:ana@example.com"})
    one = urlencode({"activityId": "http://a.example/x", "agent": agent, "stateId": "s"})
    other = urlencode({"activityId": "HTTP://a.example/x", "agent": agent, "stateId": "s"})
    assert lrs.request("PUT", "activities/state", {"v": 1}, query=one).status_code == 204
    assert lrs.request("GET", "activities/state", query=other).status_code == 404
