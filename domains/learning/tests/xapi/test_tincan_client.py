"""End to end with a real xAPI client library (``edx-tincan-py35``, the Python 3 port
of Rustici's TinCanPython) against a live server: about, statements (single, batch,
query with ``more`` paging, voided), and state documents."""

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    LanguageMap,
    RemoteLRS,
    StateDocument,
    Statement,
    StatementRef,
    Verb,
)

from domains.learning.services.clients import lrs_client_create

pytestmark = pytest.mark.django_db(transaction=True, databases=["learning"])


@pytest.fixture
def remote(live_server):
    client, secret = lrs_client_create(name="tincan")
    return RemoteLRS(
        endpoint=f"{live_server.url}/xapi/", version="1.0.1", username=client.key, password=secret
    )


def _statement(n: int) -> Statement:
    return Statement(
        actor=Agent(name="Ana", mbox="mailto:ana@example.com"),
        verb=Verb(
            id="http://adlnet.gov/expapi/verbs/experienced",
            display=LanguageMap({"en-US": "experienced"}),
        ),
        object=Activity(
            id=f"https://learn.example.org/tincan/{n}",
            definition=ActivityDefinition(name=LanguageMap({"en-US": f"Lesson {n}"})),
        ),
    )


def test_a_tincan_client_records_queries_and_voids(remote):
    about = remote.about()
    assert about.success and "1.0.3" in about.content.version

    saved = remote.save_statement(_statement(0))
    assert saved.success, saved.data
    statement_id = saved.content.id
    fetched = remote.retrieve_statement(statement_id)
    assert fetched.success and fetched.content.object.id == "https://learn.example.org/tincan/0"

    batch = remote.save_statements([_statement(n) for n in range(1, 6)])
    assert batch.success, batch.data

    page = remote.query_statements({"agent": Agent(mbox="mailto:ana@example.com"), "limit": 2})
    assert page.success, page.data
    seen = [s.id for s in page.content.statements]
    while page.content.more:
        page = remote.more_statements(page.content)
        assert page.success, page.data
        seen += [s.id for s in page.content.statements]
    assert len(seen) == 6 and len(set(seen)) == 6

    voiding = Statement(
        actor=Agent(mbox="mailto:ana@example.com"),
        verb=Verb(id="http://adlnet.gov/expapi/verbs/voided"),
        object=StatementRef(id=statement_id),
    )
    assert remote.save_statement(voiding).success
    assert remote.retrieve_voided_statement(statement_id).success
    assert not remote.retrieve_statement(statement_id).success


def test_a_tincan_client_saves_and_reads_state(remote):
    agent = Agent(mbox="mailto:ana@example.com")
    activity = Activity(id="https://learn.example.org/tincan/0")
    # The library's save_state leaves the registration out, so none is used here.
    document = StateDocument(
        id="bookmark", activity=activity, agent=agent,
        content='{"page": 7}', content_type="application/json",
    )  # fmt: skip
    assert remote.save_state(document).success
    got = remote.retrieve_state(activity, agent, "bookmark")
    assert got.success, got.data
    assert bytes(got.content.content) == b'{"page": 7}'
    ids = remote.retrieve_state_ids(activity, agent)
    assert ids.success and ids.content == ["bookmark"]
    assert remote.delete_state(got.content).success
