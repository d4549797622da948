"""A bounded schemathesis run over the whole OpenAPI schema for each role (issue 15):
whatever the input and whoever sends it, no server error. ``FUZZ_EXAMPLES`` raises the
cases per operation for the full run whose counts are in docs/security.md:

    FUZZ_EXAMPLES=20 pytest -s tests/security/test_fuzz_all_roles.py
"""

import os

import pytest

from domains.identity.services.tokens import member_access_token
from tests.fuzzing import connections_kept_open, fuzz_server_errors
from tests.security.conftest import member

__all__ = ["connections_kept_open"]

ROLES = ["anonymous", "learner", "mentor", "space_owner", "moderator", "admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.django_db(databases="__all__")
def test_no_server_error_anywhere_for_any_role(settings, connections_kept_open, role):
    settings.RATELIMIT_ENABLE = False  # fuzzing sends far more than any limit allows
    headers = {}
    if role != "anonymous":
        user = member(*([] if role == "learner" else [role]), password="a-fuzz-password-123")
        headers = {"Authorization": f"Bearer {member_access_token(user=user)}"}
    examples = int(os.environ.get("FUZZ_EXAMPLES", "2"))
    counts = fuzz_server_errors(path_regex=r"^/api/v1/", headers=headers, examples=examples)
    print(f"\nfuzz {role}: {counts}")
    if os.environ.get("FUZZ_REPORT"):  # the full run's counts, for docs/security.md
        with open(os.environ["FUZZ_REPORT"], "a") as report:
            report.write(f"{role} examples={examples} {counts}\n")
    assert counts["operations"] >= 60
    assert counts["server_errors"] == 0, counts["failing"]
