"""The register appended in bulk answers exactly as if appended one vote at a time.

A catch-up after an outage (``manage.py governance_register sync``) appends many events
in one batch: one statement, and one stored signature, the batch's last head. Here the
register of real proposals is emptied and re-appended from its events in one batch,
and everything a client can see is compared with what the vote-by-vote register
showed: entries, nodes, and the signed head of every size, signature included. The
independent verifier's own checks (``tools/register_verify.py``) then accept every
inclusion and consistency proof a client can ask of the batch (the proofs are taken
from the functions the API serves, a few over HTTP: the API's rate limit would refuse
hundreds).
"""

import importlib.util
import subprocess
import sys

import pytest
from django.db import connections

from domains.governance.domain import merkle
from domains.governance.models import RegisterEntry, RegisterNode
from domains.governance.projections import RegisterProjection
from domains.governance.register import (
    RegisterIntegrityError,
    consistency_proof,
    inclusion_proof,
    public_key,
    register_verify,
    tree_head,
)
from domains.governance.tests.test_register import API, VERIFIER, decide, tamper
from eventing.models import ProjectionPosition
from eventing.projections import projection_catch_up

pytestmark = pytest.mark.django_db(databases=["governance"])

_spec = importlib.util.spec_from_file_location("register_verify_tool", VERIFIER)
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)


def stored_register() -> tuple[list[tuple], dict]:
    entries = list(
        RegisterEntry.objects.using("governance")
        .order_by("index")
        .values_list("index", "kind", "proposal_id", "content", "leaf_hash", "root_hash",
                     "timestamp_ms")
    )  # fmt: skip
    nodes = {
        (n.level, n.index): bytes(n.hash) for n in RegisterNode.objects.using("governance").all()
    }
    return entries, nodes


def reappend_in_one_batch() -> None:
    """Empty the register and append every vote and decision again in one catch-up."""
    with connections["governance"].cursor() as cursor:
        cursor.execute("TRUNCATE governance_registerentry, governance_registernode")
    ProjectionPosition.objects.using("governance").filter(name="governance.register").update(
        position=0
    )
    projection_catch_up(projection=RegisterProjection())


def test_a_batch_holds_the_same_entries_nodes_and_signed_heads_as_one_by_one(
    api_client, governance_app, clock
):
    decide(clock, votes=12)
    decide(clock, votes=12)  # 26 entries, each appended (and signed) on its own
    size = 26
    one_by_one = stored_register()
    heads = [tree_head(n) for n in range(1, 27)]
    listed = api_client.get(f"{API}/entries", {"page_size": 100}).json()["results"]

    reappend_in_one_batch()

    assert stored_register() == one_by_one
    stored = RegisterEntry.objects.using("governance").exclude(signature="")
    assert list(stored.values_list("index", flat=True)) == [size - 1]  # one batch, one signature
    assert [tree_head(n) for n in range(1, 27)] == heads
    assert api_client.get(f"{API}/tree-head", {"tree_size": 13}).json() == heads[12]
    assert api_client.get(f"{API}/entries", {"page_size": 100}).json()["results"] == listed
    assert register_verify() == []

    # And both equal the reference recursion of RFC 9162 over the entries' contents.
    entries, nodes = one_by_one
    reference: dict[tuple[int, int], bytes] = {}
    for n, entry in enumerate(entries, 1):
        digest = merkle.leaf_hash(entry[3].encode())
        for level, index, node in merkle.new_nodes(n, digest, lambda lv, ix: reference[(lv, ix)]):
            reference[(level, index)] = node
        root = merkle.root_hash(n, lambda lv, ix: reference[(lv, ix)])
        assert heads[n - 1]["root_hash"] == entry[5] == root.hex()
    assert nodes == reference


def test_every_size_inside_a_batch_is_proven_to_the_independent_verifier(
    api_client, governance_app, clock, tmp_path
):
    decide(clock, votes=4)
    decide(clock, votes=11)  # 17 entries
    reappend_in_one_batch()
    key = public_key()["public_key"]
    for second in range(1, 18):
        for index in range(second):
            proof = inclusion_proof(index=index, tree_size=second)
            assert tool.check_inclusion(proof, key).startswith("OK"), (index, second)
        for first in range(1, second + 1):
            proof = consistency_proof(first=first, second=second)
            assert tool.check_consistency(proof, key).startswith("OK"), (first, second)

    # Over HTTP, and the command-line verifier itself, on heads the batch stored unsigned.
    answer = api_client.get(f"{API}/proofs/inclusion", {"index": 2, "tree_size": 9})
    assert answer.status_code == 200
    assert answer.json() == inclusion_proof(index=2, tree_size=9)
    answer = api_client.get(f"{API}/proofs/consistency", {"first": 6, "second": 11})
    assert answer.status_code == 200
    proof_file = tmp_path / "consistency.json"
    proof_file.write_text(answer.content.decode())
    done = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), "consistency", "--public-key", key,
         "--proof", str(proof_file)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the tree of size 11 extends the tree of size 6" in done.stdout


def test_a_head_rewritten_inside_a_batch_is_never_signed(governance_app, clock):
    decide(clock, votes=9)  # 10 entries
    reappend_in_one_batch()
    tamper("UPDATE governance_registerentry SET root_hash = repeat('ab', 32) WHERE index = 4")

    with pytest.raises(RegisterIntegrityError, match="size 5 is not a prefix"):
        tree_head(5)
    assert "entry 4: tree head of size 5 differs from the recomputed one" in register_verify()
    assert tree_head(4)["tree_size"] == 4  # the heads that still hold are still served

    # Without a valid signed head after it, nothing inside the batch is signed either.
    tamper("UPDATE governance_registerentry SET signature = repeat('00', 64) WHERE index = 9")
    with pytest.raises(RegisterIntegrityError, match="size 10 does not verify"):
        tree_head(3)
    assert "entry 9: tree head signature does not verify" in register_verify()
    tamper("UPDATE governance_registerentry SET signature = '' WHERE index = 9")
    with pytest.raises(RegisterIntegrityError, match="no signed tree head covers entry 9"):
        tree_head()
    assert "entry 9: the latest tree head is not signed" in register_verify()
