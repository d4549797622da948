"""Every row of docs/security.md's threat model names tests that exist (issue 15: the
table says which test covers each surface; a renamed or deleted test must not leave a
row pointing at nothing)."""

import re

from tests.processes import REPO

DOC = REPO / "docs" / "security.md"


def threat_model_rows() -> list[list[str]]:
    section = DOC.read_text().split("## Threat model per public surface", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_every_threat_model_row_points_at_existing_tests():
    rows = threat_model_rows()
    surfaces = {row[0] for row in rows}
    assert {"API", "LRS", "admin", "gateway", "public passport pages"} <= surfaces
    for surface, threat, _, tests in rows:
        names = re.findall(r"`([^`]+\.py)`", tests)
        assert names, f"{surface} / {threat}: no test named"
        folder = None
        for name in names:
            if "/" in name:
                folder = (REPO / name).parent
                path = REPO / name
            else:  # a bare file name: in the folder of the path named before it
                assert folder is not None, f"{surface} / {threat}: {name} without a folder"
                path = folder / name
            assert path.is_file(), f"{surface} / {threat}: {path.relative_to(REPO)} is missing"
            assert re.search(r"^def test_", path.read_text(), re.M), path
