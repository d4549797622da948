"""The embedded default (SQLite) keeps the decision register too: a register written by
``OrmWrites`` (the SQLite strategy of ``register_writes``; PostgreSQL's one-statement
writes are what every other register test runs) verifies against its events, and its
proofs pass the independent verifier.

Run in a child process on SQLite files, because this process runs on PostgreSQL.
"""

import json

from domains.governance.tests.test_register import verifier
from tests.processes import clean_environment, run_django

SCRIPT = """
import json
from datetime import UTC, datetime, timedelta
from django.core.management import call_command
from common import clock
from domains.governance import register_writes, services
from domains.governance.register import (
    consistency_proof, inclusion_proof, public_key, register_verify, tree_size,
)
from domains.governance.tests.conftest import register_member

call_command("migrate", database="governance", verbosity=0)
opened = datetime(2026, 11, 1, 12, tzinfo=UTC)
deadline = opened + timedelta(days=7)
sizes = []
for votes in (2, 4):
    with clock.set_to(opened):
        author = register_member()
        proposal = services.proposal_create(
            author_id=author, title="T", summary="S", method="majority", quorum=1
        )
        services.proposal_transition(proposal_id=proposal.id, actor_id=author, action="discuss")
        services.proposal_transition(
            proposal_id=proposal.id, actor_id=author, action="vote", deadline=deadline
        )
        for _ in range(votes):
            services.vote_cast(proposal_id=proposal.id, member_id=register_member(), choice="yes")
    with clock.set_to(deadline):
        services.proposal_close(proposal_id=proposal.id)
    sizes.append(tree_size())
print(json.dumps({
    "strategy": type(register_writes.installed()).__name__,
    "sizes": sizes,
    "problems": register_verify(),
    "inclusion": inclusion_proof(index=4),
    "consistency": consistency_proof(first=3),
    "key": public_key()["public_key"],
}, default=str))
"""


def test_a_register_written_on_sqlite_verifies_and_its_proofs_pass_the_verifier(tmp_path):
    env = clean_environment(SERVICE="governance", DATA_DIR=str(tmp_path))
    result = run_django(SCRIPT, env, timeout=240)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["strategy"] == "OrmWrites"
    assert outcome["sizes"] == [3, 8]  # each proposal: its votes, then its decision
    assert outcome["problems"] == []
    code, out = verifier(tmp_path, "inclusion", outcome["inclusion"], key=outcome["key"])
    assert code == 0, out
    assert '"type":"vote"' in out
    code, out = verifier(tmp_path, "consistency", outcome["consistency"], key=outcome["key"])
    assert code == 0, out
