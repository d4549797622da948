"""The architecture, held as tests: import contracts, no cross-database relation, lint.

import-linter reads ``.importlinter`` (domains independent of each other, domain
cores free of Django, the gateway and the shared packages free of domains); the
relation check walks every installed model; ruff keeps lint and format clean.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from common.checks import cross_database_relations

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 kept, 0 broken" in result.stdout


def test_no_installed_model_relates_across_databases():
    assert cross_database_relations(apps.get_models(include_auto_created=True)) == []


@isolate_apps("domains.marketplace", "domains.learning")
def test_a_foreign_key_to_another_domain_is_reported():
    class Course(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "learning"

    class Listing(models.Model):  # noqa: DJ008
        course = models.ForeignKey(Course, on_delete=models.CASCADE)

        class Meta:
            app_label = "marketplace"

    errors = cross_database_relations([Listing])
    assert [e.id for e in errors] == ["common.E001"]
    assert "'marketplace'" in errors[0].msg and "'learning'" in errors[0].msg


@pytest.mark.parametrize("command", [("check",), ("format", "--check")])
def test_ruff(command):
    result = _run(str(BIN / "ruff"), *command, ".")
    assert result.returncode == 0, result.stdout + result.stderr
