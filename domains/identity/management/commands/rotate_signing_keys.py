"""``manage.py rotate_signing_keys``: a new key signs from now on; old ones verify until
their tokens have expired, and keys past that are deleted (``--prune-only`` just prunes).
Run it on a schedule (e.g. monthly) and after any suspicion of key exposure."""

from django.core.management import BaseCommand

from domains.identity.services.keys import signing_key_rotate, signing_keys_prune


class Command(BaseCommand):
    help = "Rotate the token signing key and prune keys that no longer verify anything."

    def add_arguments(self, parser):
        parser.add_argument("--prune-only", action="store_true")

    def handle(self, *args, prune_only: bool = False, **options):
        pruned = signing_keys_prune()
        if not prune_only:
            key = signing_key_rotate()
            self.stdout.write(f"New signing key {key.kid}.")
        self.stdout.write(f"Pruned {pruned} retired key(s).")
