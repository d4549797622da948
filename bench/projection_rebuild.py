"""Projection rebuild rate on PostgreSQL: 100,000 events replayed into a fresh table.

Records 100,000 events in the reputation event store (1,000 members' ledgers, each
opened and given 99 ratings), projects them once with the live runner, then runs
``rebuild_projection``'s code twice: replay into a fresh table, swap it in. First
with each event applied on its own (one insert per rating and its fraud assessment's
queries per rating, batches of ``--batch-size`` per transaction: how rebuilds ran
before), then as it runs now (each batch in bulk: one insert, the batch's assessment
in a few queries). The ratio of the two is the gain; reading and decoding the same
notifications without writing anything is the ceiling, also measured in the run.

Run: ``.venv/bin/python bench/projection_rebuild.py [--members 1000] [--ratings 99]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops the database
``bench_projection``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import drop_databases, machine, recreate_databases, service_django

DATABASE = "bench_projection"


def _record(app, members: int, ratings: int) -> None:
    from domains.reputation.domain.ledger import MemberLedger

    now = datetime.now(UTC)
    for _ in range(members):
        ledger = MemberLedger(member_id=uuid4())
        for number in range(ratings):
            ledger.give_rating(
                rater_id=uuid4(), context_type="booking", context_id=str(number),
                score=1 + number % 5, comment="Helpful and on time.", given_at=now,
            )  # fmt: skip
        app.save(ledger)


def _read_only(app, batch_size: int) -> float:
    """Seconds to read and decode every notification, in the rebuild's batches."""
    started, position = time.monotonic(), 0
    while notifications := app.recorder.select_notifications(
        start=position, limit=batch_size, inclusive_of_start=False
    ):
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        position = notifications[-1].id
    return time.monotonic() - started


def _per_event(projection_class):
    """``projection_class`` applying each event of a batch on its own (the old way)."""

    class PerEvent(projection_class):
        def apply_batch(self, domain_events):
            for domain_event in domain_events:
                super().apply_batch([domain_event])

    return PerEvent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--ratings", type=int, default=99, help="Ratings per member.")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    events = args.members * (1 + args.ratings)

    recreate_databases(DATABASE)
    service_django("reputation", DATABASE)
    from django.core.management import call_command

    from domains.reputation.application import ReputationApplication
    from domains.reputation.models import Rating
    from domains.reputation.projections import RatingsProjection
    from eventing.eventstore import close_applications, get_application
    from eventing.projections import projection_catch_up, projection_rebuild

    try:
        call_command("migrate", database="reputation", verbosity=0)
        app = get_application(ReputationApplication)
        print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
        started = time.monotonic()
        _record(app, args.members, args.ratings)
        print(f"recorded {events:,} events in {time.monotonic() - started:.1f}s", flush=True)

        started = time.monotonic()
        projection_catch_up(projection=RatingsProjection(), limit=args.batch_size)
        live = events / (time.monotonic() - started)
        read = events / _read_only(app, args.batch_size)

        def report(progress) -> None:
            if progress.applied % (args.batch_size * 40) < args.batch_size:
                print(
                    f"  {progress.applied:,}/{progress.total:,} events, "
                    f"{progress.rate:,.0f} events/s",
                    flush=True,
                )

        rebuilt = {}
        for label, projection_class in (
            ("one event at a time (before)", _per_event(RatingsProjection)),
            ("bulk per batch (now)", RatingsProjection),
        ):
            print(f"rebuild, {label}:", flush=True)
            done = projection_rebuild(
                projection_class=projection_class, batch_size=args.batch_size, progress=report
            )
            rows = Rating.objects.using("reputation").count()
            if (done.applied, rows) != (events, args.members * args.ratings):
                raise SystemExit(f"rebuilt {done.applied} events into {rows} rows: wrong")
            rebuilt[label] = done
        print(f"read and decode only (ceiling):  {read:,.0f} events/s")
        print(f"live runner (run_projections):   {live:,.0f} events/s")
        for label, done in rebuilt.items():
            print(
                f"rebuild of {done.applied:,} events, {label}: {done.rate:,.0f} events/s "
                f"({done.seconds:.1f}s, swap included), of the ceiling {done.rate / read:.3f}"
            )
        before, after = rebuilt.values()
        print(
            f"bulk / one at a time: {after.rate / before.rate:.1f}x "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
    finally:
        close_applications()
        from django.db import connections

        connections.close_all()
        drop_databases(DATABASE)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url> .venv/bin/python "
        f"bench/projection_rebuild.py --members {args.members} --ratings {args.ratings} "
        f"--batch-size {args.batch_size}"
    )


if __name__ == "__main__":
    main()
