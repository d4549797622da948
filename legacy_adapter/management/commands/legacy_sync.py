"""``manage.py legacy_sync``: copy legacy data into the domains during the transition.

    legacy_sync backfill spaces [--restart] [--page-size 100]
    legacy_sync changes spaces
    legacy_sync reconcile spaces

The backfill is safe to rerun and resumes where an interrupted run stopped (``--restart``
starts over); it shows a progress bar and closes with a summary.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from legacy_adapter.sync.runs import backfill, reconcile, sync_changes
from legacy_adapter.sync.sinks import RESOURCES, NoSink, sink_for
from legacy_adapter.usage import calling
from legacy_adapter.wiring import legacy_client

BAR = 30


class Command(BaseCommand):
    help = "Backfill, incrementally sync or reconcile a resource from the legacy system."

    def add_arguments(self, parser) -> None:
        parser.add_argument("verb", choices=["backfill", "changes", "reconcile"])
        parser.add_argument("resource", choices=sorted(RESOURCES))
        parser.add_argument("--restart", action="store_true", help="Backfill from the start.")
        parser.add_argument("--page-size", type=int, default=100)

    def handle(self, *args, verb: str, resource: str, **options) -> None:
        try:
            sink = sink_for(resource)
        except NoSink as exc:
            raise CommandError(str(exc)) from exc
        with calling(f"sync:{resource}"):
            self._run(verb, resource, sink, legacy_client(), options)

    def _run(self, verb, resource, sink, client, options) -> None:
        if verb == "backfill":
            summary = backfill(
                resource=resource, client=client, sink=sink, page_size=options["page_size"],
                restart=options["restart"], progress=self._bar,
            )  # fmt: skip
            self.stdout.write("")
            self.stdout.write(
                f"{resource}: read {summary.read} (resumed after #{summary.resumed_from}), "
                f"created {summary.created}, updated {summary.updated}, "
                f"unchanged {summary.unchanged}, skipped {summary.skipped}"
            )
            self._problems(summary.problems)
        elif verb == "changes":
            summary = sync_changes(resource=resource, client=client, sink=sink)
            self.stdout.write(
                f"{resource}: {summary.read} changed since the watermark, created "
                f"{summary.created}, updated {summary.updated}, skipped {summary.skipped}; "
                f"watermark {summary.watermark}"
            )
            self._problems(summary.problems)
        else:
            differences = reconcile(resource=resource, client=client, sink=sink)
            for d in differences:
                if d.untranslatable:
                    self.stdout.write(d.untranslatable)
                    continue
                what = (
                    "missing"
                    if d.missing
                    else ", ".join(
                        f"{name}: legacy {old!r} / new {new!r}"
                        for name, (old, new) in d.fields.items()
                    )
                )
                self.stdout.write(f"#{d.legacy_number} {d.id}: {what}")
            self.stdout.write(f"{resource}: {len(differences)} record(s) differ")

    def _problems(self, problems: list[str]) -> None:
        for problem in problems:
            self.stdout.write(f"skipped {problem}")

    def _bar(self, done: int, total: int) -> None:
        filled = BAR * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
