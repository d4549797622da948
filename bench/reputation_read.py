"""Reputation read latency: a member with 10,000 counted ratings, at 10k and 100k total.

The reputation reads only the last 30 days (index ``rating_ratee_recent`` on
(ratee_id, given_at)), so adding 90,000 older ratings of the SAME member must leave
the latency flat. Rows go straight into the read models (``Rating``, a tenth flagged
in ``FraudDecision``, every rater with a ``MemberReputation``): this measures the
read, not the writes. Baseline in the same run: fetching the same 10,000 rows with
one plain query and computing nothing; the ratio is what scoring costs on top.

Then the current read as the API serves it (``reputation_current``: the stored
aggregate ``reputation_refresh`` wrote an hour before the reads, while no rating of the
member entered or left the window since), p50 and p99 over 500 reads and the queries
per read. Other members keep being rated meanwhile: as many ratings of 1,000 other
members as the member has, half in that last hour and half in the hour that left the
window, so a plan that scanned the recent ``given_at`` range instead of the member's
own (ratee_id, given_at) range would read all of them (``BENCH_EXPLAIN=1`` prints the
plan of each query of one read).

Run: ``.venv/bin/python bench/reputation_read.py [--counted 10000] [--older 90000]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops ``bench_reputation_read``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import drop_databases, machine, recreate_databases, service_django

DATABASE = "bench_reputation_read"
ROUNDS = 25
STORED_ROUNDS = 500


def _insert(member, now, count: int, *, older: bool) -> None:
    from domains.reputation.models import FraudDecision, MemberReputation, Rating

    batch = 5000
    for offset in range(0, count, batch):
        rows = []
        for n in range(offset, min(count, offset + batch)):
            age = timedelta(days=31 + n % 300) if older else timedelta(minutes=61 + n * 2)
            rows.append(
                Rating(
                    id=uuid4(), rater_id=uuid4(), ratee_id=member, context_type="session",
                    context_id=str(n), score=1 + n % 5, given_at=now - age, ledger_version=n + 2,
                )
            )  # fmt: skip
        Rating.objects.using("reputation").bulk_create(rows)
        MemberReputation.objects.using("reputation").bulk_create(
            MemberReputation(member_id=r.rater_id, score=n % 60, ratings_counted=1, computed_at=now)
            for n, r in enumerate(rows)
        )
        FraudDecision.objects.using("reputation").bulk_create(
            FraudDecision(
                rating_id=r.id, rater_id=r.rater_id, ratee_id=member, rating_given_at=r.given_at,
                rule="burst", factor=0.0, reason="bench",
            )
            for r in rows[::10]
        )  # fmt: skip


def _insert_others(now, count: int) -> None:
    """Ratings of other members in the two hour-long ranges the current read checks."""
    from domains.reputation.domain.ratings import RATING_LIFETIME
    from domains.reputation.models import Rating

    others = [uuid4() for _ in range(1000)]
    rows = [
        Rating(
            id=uuid4(), rater_id=uuid4(), ratee_id=others[n % 1000], context_type="session",
            context_id=f"other-{n}", score=1 + n % 5,
            given_at=now - timedelta(seconds=(n * 7) % 3600) - (n % 2) * RATING_LIFETIME,
        )
        for n in range(count)
    ]  # fmt: skip
    Rating.objects.using("reputation").bulk_create(rows, batch_size=5000)


def _median_ms(call) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _parts_ms(member, now) -> str:
    """Where one read's time goes: the three queries, then scoring in Python."""
    from django.conf import settings
    from django.db import connections, reset_queries

    from domains.reputation.selectors import reputation_compute

    settings.DEBUG = True
    reset_queries()
    started = time.perf_counter()
    reputation_compute(member_id=member, now=now)
    total = (time.perf_counter() - started) * 1000
    queries = [float(q["time"]) * 1000 for q in connections["reputation"].queries]
    settings.DEBUG = False
    return f"queries {' + '.join(f'{q:.0f}' for q in queries)} ms of {total:.0f} ms"


def _explain(member, now) -> None:
    """EXPLAIN ANALYZE of each query of one current read."""
    from django.conf import settings
    from django.db import connections, reset_queries

    from domains.reputation.selectors import reputation_current

    settings.DEBUG = True
    reset_queries()
    reputation_current(member_id=member, now=now)
    queries = [q["sql"] for q in connections["reputation"].queries]
    settings.DEBUG = False
    with connections["reputation"].cursor() as cursor:
        for sql in queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("  " + "\n  ".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counted", type=int, default=10_000)
    parser.add_argument("--older", type=int, default=90_000)
    args = parser.parse_args()

    recreate_databases(DATABASE)
    service_django("reputation", DATABASE)
    from django.core.management import call_command
    from django.db import connections, reset_queries
    from django.test.utils import CaptureQueriesContext

    from domains.reputation.selectors import (
        rating_list_counting,
        reputation_compute,
        reputation_current,
    )
    from domains.reputation.services import reputation_refresh

    try:
        call_command("migrate", database="reputation", verbosity=0)
        print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
        member, now = uuid4(), datetime.now(UTC)

        def measure(label: str) -> None:
            with connections["reputation"].cursor() as cursor:
                cursor.execute("ANALYZE")
            reputation = reputation_compute(member_id=member, now=now)
            expected = args.counted - len(range(0, args.counted, 10))
            if reputation.ratings_counted != expected:
                raise SystemExit(f"counted {reputation.ratings_counted}, expected {expected}")
            if os.environ.get("BENCH_PROFILE"):
                import cProfile

                cProfile.runctx(
                    "reputation_compute(member_id=member, now=now)",
                    globals(),
                    locals(),
                    sort="cumulative",
                )
            read = _median_ms(lambda: reputation_compute(member_id=member, now=now))
            base = _median_ms(
                lambda: list(
                    rating_list_counting(ratee_id=member, now=now).values_list(
                        "id", "rater_id", "score", "given_at"
                    )
                )
            )
            print(f"  one read: {_parts_ms(member, now)}")
            reputation_refresh(member_id=member, now=now - timedelta(hours=1), cause="bench")
            reset_queries()  # a full log (9,000 entries) would capture nothing
            with CaptureQueriesContext(connections["reputation"]) as queries:
                reputation_current(member_id=member, now=now)
            if os.environ.get("BENCH_EXPLAIN"):
                _explain(member, now)
            stored = []
            for _ in range(STORED_ROUNDS):
                started = time.perf_counter()
                current = reputation_current(member_id=member, now=now)
                stored.append((time.perf_counter() - started) * 1000)
            if not current.stored or current.ratings_counted != expected:
                raise SystemExit(f"the stored read did not hold: {current}")
            stored.sort()
            p50, p99 = stored[len(stored) // 2], stored[int(len(stored) * 0.99) - 1]
            print(
                f"{label}: current read from the stored aggregate p50 {p50:.2f} ms, "
                f"p99 {p99:.2f} ms ({STORED_ROUNDS} reads, {len(queries)} query per read); "
                f"computed read / stored p50: "
                f"{read / p50:.0f}x",
                flush=True,
            )
            print(
                f"{label}: load average {os.getloadavg()[0]:.1f}; reputation read {read:.1f} ms "
                f"(median of {ROUNDS}); baseline plain fetch of the same rows {base:.1f} ms; "
                f"ratio {read / base:.2f}",
                flush=True,
            )

        _insert(member, now, args.counted, older=False)
        _insert_others(now, args.counted)
        measure(f"{args.counted:,} ratings in total")
        _insert(member, now, args.older, older=True)
        measure(
            f"{args.counted + args.older:,} ratings in total ({args.older:,} older than 30 days)"
        )
    finally:
        connections.close_all()
        drop_databases(DATABASE)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url> .venv/bin/python "
        f"bench/reputation_read.py --counted {args.counted} --older {args.older}"
    )


if __name__ == "__main__":
    main()
