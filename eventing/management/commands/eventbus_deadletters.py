"""``manage.py eventbus_deadletters {list,show,replay} --group <g>``: inspect and replay."""

import json

from django.core.management import BaseCommand, CommandError

from eventing.deadletters import dead_letter_get, dead_letter_list, dead_letter_replay
from eventing.streams import redis_client


def _event_type(envelope: str) -> str:
    """The event type of a dead letter's envelope, which may be unreadable."""
    try:
        return json.loads(envelope).get("type", "?")
    except (ValueError, AttributeError):
        return "(unreadable)"


class Command(BaseCommand):
    help = "List, show or replay a consumer group's dead letters."

    def create_parser(self, prog_name, subcommand, **kwargs):
        """Options may come before or after the ids (``replay --group g <id>``, as the
        docs write it, and ``replay <id> --group g``): argparse's plain parse stops
        taking positionals once an option has been read."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.parse_args = parser.parse_intermixed_args
        return parser

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "show", "replay"])
        parser.add_argument("--group", required=True)
        parser.add_argument("ids", nargs="*", help="Dead-letter ids (show, replay).")
        parser.add_argument("--all", action="store_true", help="replay: every dead letter.")

    def handle(self, *args, action, group, ids, **options):
        client = redis_client()
        if action == "list":
            letters = dead_letter_list(client, group=group)
            for letter in letters:
                self.stdout.write(
                    f"{letter.id}  {_event_type(letter.envelope)}  attempts={letter.attempts}  "
                    f"{letter.failed_at}  {letter.error[:100]}"
                )
            self.stdout.write(f"{len(letters)} dead letter(s) for {group}")
            return
        if action == "replay" and options["all"]:
            ids = [letter.id for letter in dead_letter_list(client, group=group, count=10_000)]
        if not ids:
            raise CommandError("Name dead-letter ids (or --all with replay).")
        still_failing = 0
        for dead_letter_id in ids:
            if action == "show":
                letter = dead_letter_get(client, group=group, dead_letter_id=dead_letter_id)
                if letter is None:
                    raise CommandError(f"No dead letter {dead_letter_id} for {group}.")
                self.stdout.write(json.dumps(letter.__dict__, indent=2))
                continue
            try:
                outcome = dead_letter_replay(client, group=group, dead_letter_id=dead_letter_id)
            except LookupError as exc:
                raise CommandError(str(exc)) from None
            except Exception as exc:  # noqa: BLE001 - report and keep the dead letter
                self.stderr.write(f"{dead_letter_id}: still failing ({exc!r}); kept")
                still_failing += 1
                continue
            self.stdout.write(f"{dead_letter_id}: {outcome.value}")
        if still_failing:
            # A non-zero exit, so a script or an operator cannot take it for a success.
            raise CommandError(f"{still_failing} of {len(ids)} dead letter(s) still failing.")
