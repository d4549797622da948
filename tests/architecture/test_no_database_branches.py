"""Business code has no database branches: it never asks which database it runs on.

A difference between PostgreSQL and SQLite that a domain must know is a strategy
module (``FOR_VENDOR``: one implementation per database) that the composition root
(``config.composition``) installs once at start-up; the code that uses it calls the
installed strategy. So ``.vendor`` is read nowhere in the domains or the gateway,
except in migrations (which run per database, outside any composed process) and
tests. Infrastructure that serves every alias (``eventing``, ``common.health``, the
legacy adapter's locks) keeps its per-database SQL beside itself, as Django's
backends do: it is the layer that knows databases. The parse finds every form
(``connection.vendor``, ``connections[alias].vendor``,
``schema_editor.connection.vendor``).
"""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUSINESS = ("domains", "gateway")
EXEMPT = {"migrations", "tests"}


def vendor_reads(source: str) -> list[int]:
    """The lines of ``source`` that read an attribute named ``vendor``."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr == "vendor"
    )


def test_business_code_never_reads_the_database_vendor():
    branches = [
        f"{path.relative_to(REPO)}:{line}"
        for package in BUSINESS
        for path in sorted((REPO / package).rglob("*.py"))
        if not EXEMPT & set(path.relative_to(REPO).parts)
        for line in vendor_reads(path.read_text())
    ]
    assert branches == [], (
        "Database branches in business code; add a strategy to a FOR_VENDOR module "
        "installed by config.composition instead: " + ", ".join(branches)
    )


def test_the_rule_sees_every_way_of_asking():
    source = (
        "if connection.vendor == 'postgresql': pass\n"
        "x = connections['learning'].vendor\n"
        "y = {'sqlite': 1}[schema_editor.connection.vendor]\n"
        "vendor = 'not an attribute read'\n"
    )
    assert vendor_reads(source) == [1, 2, 3]
