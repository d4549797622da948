"""Expand/contract, enforced: tools/lint_migrations.py (django-migration-linter) on the
project's migrations, and on a throwaway app whose second migration drops a column the
previous release reads, which it must reject. Both run the tool exactly as CI does
(`--server`: scratch databases on the machine's PostgreSQL, dropped afterwards).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.infra.tools import REPO_ROOT

TOOL = REPO_ROOT / "tools" / "lint_migrations.py"
SERVER = os.environ.get("DATABASE_SERVER_URL", "postgres://postgres:postgres@127.0.0.1:5432")

INITIAL = '''
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Item",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.TextField()),
                ("note", models.TextField(default="")),
            ],
        ),
    ]
'''


def write_app(root: Path, second: str) -> None:
    """A throwaway app `throwaway` under root: an initial migration, then `second`."""
    app = root / "throwaway"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    (app / "migrations" / "0001_initial.py").write_text(INITIAL)
    (app / "migrations" / "0002_change.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        '    dependencies = [("throwaway", "0001_initial")]\n'
        f"    operations = [{second}]\n"
    )


def run_tool(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, str(TOOL), "--server", SERVER, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_projects_migrations_keep_the_previous_release_working():
    result = run_tool()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Erroneous migrations: 0/" in result.stdout


def test_dropping_a_used_column_is_rejected(tmp_path):
    write_app(tmp_path, 'migrations.RemoveField(model_name="item", name="note")')
    result = run_tool("--extra-app", "throwaway", "--app", "throwaway", pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout[-4000:] + result.stderr[-4000:]
    assert "(throwaway, 0002_change)... ERR" in result.stdout
    assert "DROPPING columns" in result.stdout


def test_renaming_a_column_and_a_not_null_without_default_are_rejected(tmp_path):
    write_app(
        tmp_path,
        'migrations.RenameField(model_name="item", old_name="note", new_name="remark"), '
        'migrations.AddField(model_name="item", name="rank", field=models.IntegerField())',
    )
    result = run_tool("--extra-app", "throwaway", "--app", "throwaway", pythonpath=tmp_path)
    assert result.returncode == 1
    assert "(throwaway, 0002_change)... ERR" in result.stdout
    assert "RENAMING columns" in result.stdout and "NOT NULL" in result.stdout


def test_an_expand_step_passes(tmp_path):
    """Adding a nullable column is what a previous release tolerates."""
    write_app(
        tmp_path,
        'migrations.AddField(model_name="item", name="remark", field=models.TextField(null=True))',
    )
    result = run_tool("--extra-app", "throwaway", "--app", "throwaway", pythonpath=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "(throwaway, 0002_change)... OK" in result.stdout
