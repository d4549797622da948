"""Expand/contract gate: refuse migrations that would break the release still running.

    python tools/lint_migrations.py --server postgres://... [GIT_REF]   # CI: origin/main

During a rolling deploy (and after an image rollback, which never reverts migrations) the
previous release runs against the new schema. A migration that drops or renames a column
in use, or adds a NOT NULL column without a database default, breaks it.
django-migration-linter (PyPI, Django 5.2 supported) reads each migration's SQL
(sqlmigrate) and reports those operations as backward incompatible. Every app is linted
on the database alias it migrates on (config.router), so the SQL is that database's.

With GIT_REF, only migrations added or changed since that ref are linted (the ones a
pull request brings); without it, every migration except each app's initial one. A
contract step (dropping what the previous release used) is allowed only once no running
release uses it: its migration names itself in IGNORED with the reason, in the same pull
request (docs/runbooks/migrations.md).

sqlmigrate needs a database connection, not a schema: --server names a PostgreSQL server
where the tool creates empty scratch databases (one per alias, a random prefix), lints in
a child process pointed at them, and drops them. --extra-app adds an importable app (the
suite's throwaway app with a column-dropping migration).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (app_label, migration_name) of reviewed contract steps, each with its reason.
IGNORED: dict[tuple[str, str], str] = {
    # Shipped before this gate existed: every release that can still run has these columns.
    ("gateway", "0002_route_flags_traffic_mismatches"): "predates the gate",
    ("identity", "0004_signing_key_hand_over"): "predates the gate",
    ("marketplace", "0002_spaces_bookings_credentials_ratings"): "predates the gate",
}


def lint(git_ref: str | None, extra_apps: list[str], only: list[str]) -> bool:
    """Lint the project's migrations (and extra apps'); True when none is incompatible."""
    import django
    from django.apps import apps as registry
    from django.conf import settings
    from django_migration_linter import MigrationLinter

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, *extra_apps]
    django.setup()
    from config.router import ALL_ALIASES, alias_for_app

    extra = {registry.get_containing_app_config(app).label for app in extra_apps}
    labels = sorted(
        config.label
        for config in registry.get_app_configs()
        if (Path(config.path) / "migrations").is_dir()
        and (Path(config.path).is_relative_to(ROOT) or config.label in extra)
        and (not only or config.label in only)
    )
    ok = True
    for label in labels:
        alias = alias_for_app(label)
        linter = MigrationLinter(
            path=str(ROOT),
            database="default" if alias == ALL_ALIASES else alias,
            include_apps=[label],
            ignore_name=[name for app, name in IGNORED if app == label],
            ignore_initial_migrations=True,
            no_cache=True,
        )
        linter.lint_all_migrations(app_label=label, git_commit_id=git_ref)
        linter.print_summary()
        ok = ok and not linter.has_errors
    return ok


ALIASES = ("default", "identity", "learning", "reputation", "passport", "governance", "marketplace")


def lint_on_scratch_databases(server: str, argv: list[str]) -> int:
    """Create empty databases for every alias, lint in a child pointed at them, drop them."""
    import psycopg
    from psycopg import sql

    prefix = f"{os.environ.get('DATABASE_NAME_PREFIX', '')}migration_lint_{uuid.uuid4().hex[:8]}_"
    admin = f"{server.rstrip('/')}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for alias in ALIASES:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(prefix + alias)))
    try:
        env = {**os.environ, "DATABASE_SERVER_URL": server, "DATABASE_NAME_PREFIX": prefix}
        for alias in ALIASES:
            env.pop(f"DATABASE_URL_{alias.upper()}", None)
        # Our own script, re-run with the scratch databases in its environment.
        return subprocess.call([sys.executable, __file__, *argv], env=env, cwd=ROOT)  # noqa: S603
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for alias in ALIASES:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(prefix + alias)
                    )
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_ref", nargs="?", help="lint only migrations changed since this ref")
    parser.add_argument("--server", help="PostgreSQL server URL for scratch databases")
    parser.add_argument("--extra-app", action="append", default=[], dest="extra_apps")
    parser.add_argument("--app", action="append", default=[], dest="only", help="only these")
    args = parser.parse_args()
    if args.server:
        rest = [a for a in sys.argv[1:] if a not in ("--server", args.server)]
        return lint_on_scratch_databases(args.server, rest)
    sys.path.insert(0, str(ROOT))
    return 0 if lint(args.git_ref, args.extra_apps, args.only) else 1


if __name__ == "__main__":
    sys.exit(main())
