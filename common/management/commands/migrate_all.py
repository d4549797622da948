"""``manage.py migrate_all``: run ``migrate`` on every database alias this process uses.

The router lets each app migrate only on its own alias, so running ``migrate`` once
per alias creates every domain's tables in its own database and nowhere else.

After migrating, it runs the system checks of those databases (``check
--database``), and fails when one finds an error.

A PostgreSQL database that does not exist yet is created with ``--create-databases``,
and by default for the aliases derived from ``DATABASE_SERVER_URL`` (a server of
one's own: local runs and CI). A database named by its own ``DATABASE_URL_<ALIAS>``
(production's managed servers) is only reported, by name, before anything migrates.
"""

from django.core.management import BaseCommand, CommandError, call_command

from common.databases import create_database, missing_databases, served_aliases
from config.env import read


def _from_server_url(alias: str) -> bool:
    return bool(read("DATABASE_SERVER_URL", "str", "")) and not read(
        f"DATABASE_URL_{alias.upper()}", "str", ""
    )


class Command(BaseCommand):
    help = "Apply migrations on every database alias (one database per domain)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--alias",
            action="append",
            dest="aliases",
            help="Only this alias (repeatable). Default: every configured alias.",
        )
        parser.add_argument(
            "--create-databases",
            action="store_true",
            help="Create missing PostgreSQL databases (default for DATABASE_SERVER_URL).",
        )

    def handle(self, *args, aliases=None, create_databases=False, verbosity=1, **options):
        configured = served_aliases()
        unknown = sorted(set(aliases or ()) - set(configured))
        if unknown:
            self.stderr.write(f"Unknown alias(es): {', '.join(unknown)}; configured: {configured}")
            raise SystemExit(2)
        chosen = list(aliases or configured)
        self._ensure_databases(chosen, create_databases, verbosity)
        for alias in chosen:
            if verbosity:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Migrating database '{alias}'"))
            call_command(
                "migrate", database=alias, interactive=False, verbosity=max(verbosity - 1, 0)
            )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Migrated {len(chosen)} database(s)."))
        # The system checks that read the databases (the gateway's routes name views
        # and translators), now that the tables exist: the deploy's migration job
        # fails here rather than the first request through a broken route.
        self.check(databases=chosen)

    def _ensure_databases(self, aliases: list[str], create: bool, verbosity: int) -> None:
        import psycopg

        try:
            missing = missing_databases(aliases)
        except psycopg.Error as exc:
            raise CommandError(f"cannot reach the database server: {exc}".strip()) from None
        refused = {}
        for alias, name in missing.items():
            if create or _from_server_url(alias):
                create_database(alias)
                if verbosity:
                    self.stdout.write(f"Created database '{name}' (alias {alias}).")
            else:
                refused[alias] = name
        if refused:
            names = ", ".join(f"'{name}' (alias {alias})" for alias, name in refused.items())
            raise CommandError(
                f"missing database(s): {names}; create them or run "
                "`manage.py migrate_all --create-databases`."
            )
