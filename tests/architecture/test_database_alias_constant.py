"""A domain's database alias is written once, on its app config (which the router reads
too); its modules import ``ALIAS`` from ``domains.<name>.apps`` rather than repeat it."""

import re
from pathlib import Path

DOMAINS = Path(__file__).resolve().parents[2] / "domains"


def test_no_domain_module_repeats_its_alias_as_a_literal():
    repeated = [
        str(path.relative_to(DOMAINS))
        for path in DOMAINS.rglob("*.py")
        if "tests" not in path.parts
        and re.search(r"^ALIAS\s*=\s*[\"']", path.read_text(), re.MULTILINE)
    ]
    assert repeated == []
