"""The embedded default (SQLite) stores statements and follows StatementRefs too, with
``SQLiteDialect`` (no write bound; ids as 32 hex digits): the filter matches the
statements that target a matching one at any depth, whatever the case of the
referenced id. PostgreSQL's dialect is what the other xAPI tests run; its write
bound is checked here as well.

The SQLite half runs in a child process on SQLite files, because this process runs on
PostgreSQL.
"""

import json

import pytest
from django.db import connections, transaction

from domains.learning import dialects
from tests.processes import clean_environment, run_django

SCRIPT = """
import json, uuid
from datetime import UTC, datetime, timedelta
from django.core.management import call_command
from domains.learning import dialects
from domains.learning.selectors import StatementQuery, statement_list
from domains.learning.services.statements import statements_store
from domains.learning.tests.xapi.conftest import statement

call_command("migrate", database="learning", verbosity=0)
PASSED = "http://adlnet.gov/expapi/verbs/passed"
start = datetime(2026, 3, 1, tzinfo=UTC)
ids = [str(uuid.uuid4()) for _ in range(4)]
bodies = [
    statement(id=ids[0], verb={"id": PASSED}),
    statement(id=ids[1], object={"objectType": "StatementRef", "id": ids[0].upper()}),
    statement(id=ids[2], object={"objectType": "StatementRef", "id": ids[1]}),
    statement(id=ids[3]),
]
authority = {"objectType": "Agent", "mbox": "mailto:lms@example.com"}
for i, body in enumerate(bodies):
    statements_store(statements=[body], authority=authority, batch=False,
                     now=lambda i=i: start + timedelta(seconds=i))
listed = statement_list(query=StatementQuery(verb=PASSED, ascending=True), limit=10)
print(json.dumps({
    "dialect": type(dialects.installed()).__name__,
    "ids": ids,
    "listed": [str(row.id) for row in listed],
}))
"""


def test_statement_ref_filters_follow_references_on_sqlite(tmp_path):
    env = clean_environment(SERVICE="learning", DATA_DIR=str(tmp_path))
    result = run_django(SCRIPT, env, timeout=240)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["dialect"] == "SQLiteDialect"
    assert outcome["listed"] == outcome["ids"][:3]  # the passed one, then what targets it


@pytest.mark.django_db(databases=["learning"], transaction=True)
def test_a_statement_write_on_postgresql_runs_under_the_write_bound():
    """Statements stored before "now minus the bound" are settled only if no write
    outlives it (X-Experience-API-Consistent-Through)."""
    assert isinstance(dialects.installed(), dialects.PostgreSQLDialect)
    connection = connections["learning"]

    def timeout() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    outside = timeout()
    with transaction.atomic(using="learning"):
        dialects.installed().bound_write(2.5)
        assert timeout() == "2500ms"
    assert timeout() == outside  # the bound ends with the write's transaction
