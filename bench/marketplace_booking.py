"""Booking throughput under contention on PostgreSQL (the exclusion constraint decides).

``--workers`` threads, each with its own connection, walk the same ``--slots`` one-hour
slots of a one-seat space in the same order: every slot is asked for by every worker
at about the same moment, exactly one hold wins and the others get ``SlotTaken``. The
run checks that each slot ended with exactly one booking. Baseline in the same run:
the same number of holds with no contention (each worker books a space of its own).

Run: ``.venv/bin/python bench/marketplace_booking.py [--workers 8] [--slots 240]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops
``bench_marketplace_booking``).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import drop_databases, machine, recreate_databases, service_django

DATABASE = "bench_marketplace_booking"
NOW = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
HOURS = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _space():
    from domains.marketplace.models import Space, SpaceCredential

    space = Space.objects.using("marketplace").create(
        owner_id=uuid4(), name="Bench room", location="Lyon", capacity=4,
        opening_hours=HOURS, status="listed",
    )  # fmt: skip
    SpaceCredential.objects.using("marketplace").create(
        space=space, kind="insurance", issuer="b", reference="b", status="verified",
        expires_at=NOW + timedelta(days=3650), submitted_at=NOW,
    )  # fmt: skip
    return space


def _slots(count: int) -> list[datetime]:
    first = NOW + timedelta(days=1, hours=8)
    return [first + timedelta(days=n // 12, hours=n % 12) for n in range(count)]


def _run(spaces: list, slots: list[datetime]) -> tuple[float, int, int]:
    """Each worker holds every slot of its space; (seconds, won, refused)."""
    from django.db import connections

    from domains.marketplace.services.bookings import booking_hold
    from domains.marketplace.services.errors import SlotTaken

    won, refused, lock = [0], [0], threading.Lock()
    start = threading.Barrier(len(spaces) + 1)

    def work(space) -> None:
        mine_won = mine_refused = 0
        start.wait()
        for slot in slots:
            try:
                booking_hold(
                    space_id=space.pk, member_id=uuid4(), starts_at=slot,
                    ends_at=slot + timedelta(hours=1), now=NOW,
                )  # fmt: skip
                mine_won += 1
            except SlotTaken:
                mine_refused += 1
        with lock:
            won[0] += mine_won
            refused[0] += mine_refused
        connections.close_all()

    threads = [threading.Thread(target=work, args=(space,)) for space in spaces]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, won[0], refused[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--slots", type=int, default=240)
    args = parser.parse_args()

    recreate_databases(DATABASE)
    service_django("marketplace", DATABASE, MARKETPLACE_HOLD_MINUTES=str(60 * 24 * 365))
    from django.core.management import call_command
    from django.db import connections
    from django.db.models import Count

    from domains.marketplace.models import Booking

    try:
        call_command("migrate", database="marketplace", verbosity=0)
        print(f"machine: {machine()}")
        slots = _slots(args.slots)
        attempts = args.workers * args.slots

        seconds, won, refused = _run([_space() for _ in range(args.workers)], slots)
        if (won, refused) != (attempts, 0):
            raise SystemExit(f"baseline: {won} won, {refused} refused: wrong")
        baseline = attempts / seconds
        print(f"no contention (baseline): {attempts:,} holds in {seconds:.1f}s, {baseline:,.0f}/s")

        contested = _space()
        seconds, won, refused = _run([contested] * args.workers, slots)
        per_slot = set(
            Booking.objects.using("marketplace")
            .filter(space=contested)
            .values("starts_at")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        if won != args.slots or per_slot != {1}:
            raise SystemExit(f"contention: {won} won for {args.slots} slots: double booking")
        rate = attempts / seconds
        print(
            f"{args.workers} workers on the same {args.slots} slots: {attempts:,} requests in "
            f"{seconds:.1f}s, {rate:,.0f}/s ({won} won, {refused:,} refused with 409), "
            f"ratio to baseline {rate / baseline:.2f}; no slot booked twice"
        )
    finally:
        connections.close_all()
        drop_databases(DATABASE)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url> .venv/bin/python "
        f"bench/marketplace_booking.py --workers {args.workers} --slots {args.slots}"
    )


if __name__ == "__main__":
    main()
