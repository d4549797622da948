"""``manage.py migrate_all``: run ``migrate`` on every database alias this process uses.

The router lets each app migrate only on its own alias, so running ``migrate`` once
per alias creates every domain's tables in its own database and nowhere else.
"""

from django.core.management import BaseCommand, call_command

from common.databases import served_aliases


class Command(BaseCommand):
    help = "Apply migrations on every database alias (one database per domain)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--alias",
            action="append",
            dest="aliases",
            help="Only this alias (repeatable). Default: every configured alias.",
        )

    def handle(self, *args, aliases=None, verbosity=1, **options):
        configured = served_aliases()
        unknown = sorted(set(aliases or ()) - set(configured))
        if unknown:
            self.stderr.write(f"Unknown alias(es): {', '.join(unknown)}; configured: {configured}")
            raise SystemExit(2)
        for alias in aliases or configured:
            if verbosity:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Migrating database '{alias}'"))
            call_command(
                "migrate", database=alias, interactive=False, verbosity=max(verbosity - 1, 0)
            )
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(f"Migrated {len(aliases or configured)} database(s).")
            )
