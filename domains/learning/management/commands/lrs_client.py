"""``manage.py lrs_client create <name>``: credentials for a learning tool (HTTP Basic
against /xapi/). The secret is printed once and stored only as a keyed digest;
``lrs_client revoke <key>`` switches a client off."""

from django.core.management.base import BaseCommand, CommandError

from domains.learning.services.clients import lrs_client_create, lrs_client_revoke


class Command(BaseCommand):
    help = "Create or revoke LRS client credentials (HTTP Basic for /xapi/)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        create.add_argument(
            "--mine-only", action="store_true", help="may read only the statements it wrote"
        )
        revoke = sub.add_parser("revoke")
        revoke.add_argument("key")

    def handle(self, *args, action, **options):
        if action == "create":
            client, secret = lrs_client_create(
                name=options["name"], read_all=not options["mine_only"]
            )
            self.stdout.write(f"key:    {client.key}\nsecret: {secret}\n(shown once)")
            return
        if not lrs_client_revoke(key=options["key"]):
            raise CommandError(f"No LRS client with key {options['key']!r}.")
        self.stdout.write(f"revoked {options['key']}")
