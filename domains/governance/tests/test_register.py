"""The decision register: proofs a verifier that trusts nobody accepts, and tampering found.

The command-line verifier (``tools/register_verify.py``) runs as its own process with
only the JSON the API returned and the pinned public key. Tampering is done the way
an intruder with database access would: raw SQL, with the append-only trigger
disabled first (the trigger itself refuses plain UPDATE and DELETE).
"""

import json
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction

from domains.governance import services
from domains.governance.domain import merkle
from domains.governance.models import RegisterEntry
from domains.governance.register import public_key, register_verify
from domains.governance.tests.conftest import register_member

pytestmark = pytest.mark.django_db(databases=["governance"])

API = "/api/v1/governance/register"
VERIFIER = Path(__file__).resolve().parents[3] / "tools" / "register_verify.py"


def decide(clock, votes: int) -> None:
    """One proposal with ``votes`` votes, then its decision: ``votes + 1`` entries."""
    author = register_member()
    proposal = services.proposal_create(
        author_id=author, title="T", summary="S", method="majority", quorum=1
    )
    services.proposal_transition(proposal_id=proposal.id, actor_id=author, action="discuss")
    deadline = clock.now.replace(year=clock.now.year + 1)
    services.proposal_transition(
        proposal_id=proposal.id, actor_id=author, action="vote", deadline=deadline
    )
    for _ in range(votes):
        services.vote_cast(proposal_id=proposal.id, member_id=register_member(), choice="yes")
    clock.now = deadline
    services.proposal_close(proposal_id=proposal.id)


def verifier(tmp_path, command: str, document: dict, key: str | None = None) -> tuple[int, str]:
    proof = tmp_path / f"{uuid4()}.json"
    proof.write_text(json.dumps(document))
    key = key or public_key()["public_key"]
    done = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), command, "--public-key", key, "--proof", str(proof)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_inclusion_and_consistency_proofs_pass_the_independent_verifier(
    api_client, governance_app, clock, tmp_path
):
    decide(clock, votes=4)  # 5 entries
    first_head = api_client.get(f"{API}/tree-head").json()
    assert first_head["tree_size"] == 5
    decide(clock, votes=6)  # 12 entries
    head = api_client.get(f"{API}/tree-head").json()
    assert head["tree_size"] == 12

    inclusion = api_client.get(f"{API}/proofs/inclusion", {"index": 7}).json()
    assert len(inclusion["audit_path"]) == 4  # ceil(log2(12))
    code, out = verifier(tmp_path, "inclusion", inclusion)
    assert code == 0, out
    assert '"type":"vote"' in out

    consistency = api_client.get(f"{API}/proofs/consistency", {"first": 5}).json()
    assert consistency["first_tree_head"] == first_head
    code, out = verifier(tmp_path, "consistency", consistency)
    assert code == 0, out

    # A one-character change to the entry, a wrong key, or a forged root all fail.
    forged = {**inclusion, "entry": inclusion["entry"].replace('"yes"', '"no"')}
    code, out = verifier(tmp_path, "inclusion", forged)
    assert code == 1 and "not in the signed tree" in out
    code, out = verifier(tmp_path, "inclusion", inclusion, key="11" * 32)
    assert code == 1 and "not signed by the pinned key" in out
    rewritten = {**consistency, "first_tree_head": {**first_head, "root_hash": "00" * 32}}
    code, out = verifier(tmp_path, "consistency", rewritten)
    assert code == 1


def test_proofs_match_an_independent_full_recomputation(api_client, governance_app, clock):
    decide(clock, votes=8)  # 9 entries
    contents = [
        e.encode()
        for e in RegisterEntry.objects.order_by("index").values_list("content", flat=True)
    ]
    nodes = {}
    for size, content in enumerate(contents, 1):
        for level, index, digest in merkle.new_nodes(
            size, merkle.leaf_hash(content), lambda lv, ix: nodes[(lv, ix)]
        ):
            nodes[(level, index)] = digest
    for size in range(1, 10):
        root = bytes.fromhex(
            api_client.get(f"{API}/tree-head", {"tree_size": size}).json()["root_hash"]
        )
        for index in range(size):
            proof = api_client.get(
                f"{API}/proofs/inclusion", {"index": index, "tree_size": size}
            ).json()
            assert merkle.verify_inclusion(
                leaf=merkle.leaf_hash(contents[index]), index=index, size=size,
                path=[bytes.fromhex(p) for p in proof["audit_path"]], root=root,
            )  # fmt: skip
    assert api_client.get(f"{API}/proofs/inclusion", {"index": 9}).status_code == 404
    assert api_client.get(f"{API}/proofs/consistency", {"first": 10}).status_code == 404


def test_the_database_refuses_updates_and_deletes(governance_app, clock):
    decide(clock, votes=1)
    for statement in (
        "UPDATE governance_registerentry SET content = 'x' WHERE index = 0",
        "DELETE FROM governance_registerentry WHERE index = 0",
        "DELETE FROM governance_registernode",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(using="governance"),
        ):
            connections["governance"].cursor().execute(statement)
    assert register_verify() == []


def tamper(statement: str) -> None:
    with connections["governance"].cursor() as cursor:
        cursor.execute("ALTER TABLE governance_registerentry DISABLE TRIGGER USER")
        cursor.execute(statement)
        cursor.execute("ALTER TABLE governance_registerentry ENABLE TRIGGER USER")


def test_a_row_changed_in_the_database_is_detected(governance_app, clock):
    decide(clock, votes=3)
    call_command("governance_register", "verify")  # clean
    tamper(
        "UPDATE governance_registerentry SET content = replace(content, '\"yes\"', '\"no\"') "
        "WHERE index = 1"
    )
    problems = register_verify()
    assert "entry 1: content differs from the event it records" in problems
    assert "entry 1: leaf hash differs from its content's" in problems
    with pytest.raises(CommandError, match="fails verification"):
        call_command("governance_register", "verify")


def test_a_row_removed_from_the_database_is_detected(governance_app, clock):
    decide(clock, votes=3)
    tamper("DELETE FROM governance_registerentry WHERE index = 3")  # the last entry
    assert register_verify() == ["entry 3: missing (removed from the register)"]
