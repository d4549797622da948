"""The independent verifier against a running server: proofs fetched over HTTP, and a
monitor that remembers the last signed head and demands the log only grew since."""

import json
import subprocess
import sys

import pytest

from domains.governance.register import public_key
from domains.governance.tests.test_register import VERIFIER, decide

pytestmark = pytest.mark.django_db(databases=["governance"], transaction=True)


def run(*args) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), *args, "--public-key", public_key()["public_key"]],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_inclusion_consistency_and_monitoring_over_http(
    live_server, governance_app, clock, tmp_path
):
    state = tmp_path / "seen.json"
    decide(clock, votes=2)  # 3 entries
    assert run("monitor", "--url", live_server.url, "--state", str(state)) == (
        0, "OK: first tree head seen, size 3\n",
    )  # fmt: skip
    decide(clock, votes=3)  # 7 entries
    code, out = run("monitor", "--url", live_server.url, "--state", str(state))
    assert code == 0 and "tree of size 7 extends the tree of size 3" in out, out
    code, out = run("inclusion", "--url", live_server.url, "--index", "4")
    assert code == 0 and "entry 4 is in the signed tree of size 7" in out, out
    code, out = run("consistency", "--url", live_server.url, "--first", "5")
    assert code == 0, out

    # A monitor that saw another history (a rewritten head of size 7) is not fooled.
    seen = json.loads(state.read_text())
    seen["root_hash"] = "ab" * 32
    state.write_text(json.dumps(seen))
    code, out = run("monitor", "--url", live_server.url, "--state", str(state))
    assert code == 1 and "not the one seen before" in out, out
