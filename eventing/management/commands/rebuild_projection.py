"""``manage.py rebuild_projection <name>``: rebuild a read model from every stored event.

The events are replayed into fresh tables while the live ones keep serving; the fresh
tables are swapped in at the end, in one transaction (see ``eventing.projections``).
"""

from django.core.management import BaseCommand, CommandError

from eventing.projections import (
    BATCH_SIZE,
    RebuildProgress,
    projection_rebuild,
    registered_projections,
)


class Command(BaseCommand):
    help = "Replay every event into fresh read-model tables and swap them in."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The projection's name (see run_projections).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, name: str, batch_size: int = BATCH_SIZE, **options):
        known = registered_projections()
        if name not in known:
            raise CommandError(f"Unknown projection {name!r}; known: {sorted(known)}")

        def report(progress: RebuildProgress) -> None:
            share = f" ({progress.position / progress.total:.0%})" if progress.total else ""
            self.stdout.write(
                f"{name}: {progress.applied} events applied, at {progress.position}/"
                f"{progress.total}{share}, {progress.rate:,.0f} events/s"
            )

        done = projection_rebuild(
            projection_class=known[name], batch_size=batch_size, progress=report
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{name}: rebuilt from {done.applied} events in {done.seconds:.1f}s "
                f"({done.rate:,.0f} events/s) and swapped in at position {done.position}"
            )
        )
