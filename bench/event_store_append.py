"""Event store append rate on PostgreSQL: the application against raw psycopg INSERTs.

Each writer is its own process (like a web worker) appending rating events to ledgers
of its own, one event per save, so one transaction per event, in two ways:

- *command + save*: the ledger's command (``give_rating``) makes the event, then
  ``save`` maps and appends it: what a request that rates a member costs;
- *store*: the events were made by the command beforehand, and ``save`` is given each
  one: the store's own work (collect, map to JSON, append), the same split as the raw
  writer's below, which is given its rows ready (events made *and* mapped beforehand).

The same writers then insert rows of the same size (same ids, topics and state bytes)
into a table of the same shape with plain psycopg ``INSERT`` statements (prepared),
one per transaction. All run with 1 and with 8 concurrent writers (half the events
each); the ratios are each application figure over raw.

Snapshots are off here: this measures appends, not the reads a snapshot costs.

The two alternate for a few rounds and the medians are reported, because the server
may be shared and noisy.

Run: ``.venv/bin/python bench/event_store_append.py [--events 1000] [--writers 8] [--rounds 3]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops the database
``bench_eventstore``, or ``BENCH_DATABASE``).

The application appends on Django's connection (``eventing.eventstore_recorders``):
outside a transaction each ``save`` is one transaction of its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import (
    SERVER,
    connect,
    drop_databases,
    machine,
    recreate_databases,
    service_django,
    writers_rate,
)

#: ``BENCH_DATABASE`` names another one (two people benchmarking on one server).
DATABASE = os.environ.get("BENCH_DATABASE", "bench_eventstore")
RAW_TABLE = "raw_events"
#: The baseline: one raw row, its notification id from the table's own sequence.
RAW_INSERT = (
    f"INSERT INTO {RAW_TABLE} (originator_id, originator_version, topic, state) "
    "VALUES (%s, %s, %s, %s) RETURNING notification_id"
)


def create_raw_table(conn) -> None:
    """The baseline's table: the events table's shape (the library's DDL), no lock."""
    conn.execute(
        f"CREATE TABLE {RAW_TABLE} (originator_id uuid NOT NULL, "
        "originator_version bigint NOT NULL, topic text, state bytea, "
        "notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
    )
    conn.execute(f"CREATE UNIQUE INDEX ON {RAW_TABLE} (notification_id)")


def _django() -> None:
    service_django("reputation", DATABASE)


def append_application():
    """The reputation application with snapshots off (this process's instance)."""
    from domains.reputation.application import ReputationApplication
    from eventing.eventstore import get_application

    class AppendBench(ReputationApplication):
        snapshotting_intervals = {}

    return get_application(AppendBench)


def ledger_and_ratings(events: int):
    """A fresh ledger and ``events`` ratings on it, each one given when saved."""
    from datetime import UTC, datetime

    from domains.reputation.domain.ledger import MemberLedger

    ledger = MemberLedger(member_id=uuid4())
    now = datetime.now(UTC)
    return ledger, [
        {"rater_id": uuid4(), "context_type": "booking", "context_id": str(n), "score": 4,
         "comment": "Helpful and on time.", "given_at": now}
        for n in range(events)
    ]  # fmt: skip


def _app_writer(events: int, start, results) -> None:
    _django()
    app = append_application()
    ledger, ratings = ledger_and_ratings(events)
    app.save(ledger)  # warm up: pool, prepared statements
    start.wait()
    began = time.monotonic()
    for rating in ratings:
        ledger.give_rating(**rating)
        app.save(ledger)
    results.put((events, began, time.monotonic()))
    app.close()


def _store_writer(events: int, start, results) -> None:
    _django()
    app = append_application()
    ledger, ratings = ledger_and_ratings(events)
    app.save(ledger)  # warm up: pool, prepared statements
    for rating in ratings:
        ledger.give_rating(**rating)
    recorded = ledger.collect_events()
    start.wait()
    began = time.monotonic()
    for event in recorded:
        app.save(event)
    results.put((events, began, time.monotonic()))
    app.close()


def _raw_writer(events: int, start, results) -> None:
    _django()
    app = append_application()
    ledger, ratings = ledger_and_ratings(events)
    for rating in ratings:
        ledger.give_rating(**rating)
    rows = [app.mapper.to_stored_event(e) for e in ledger.collect_events()][1:]
    app.close()
    with connect(DATABASE) as conn:
        conn.execute("SELECT 1")
        start.wait()
        began = time.monotonic()
        for row in rows:
            conn.execute(
                RAW_INSERT,
                (row.originator_id, row.originator_version, row.topic, row.state),
                prepare=True,
            ).fetchone()
        results.put((events, began, time.monotonic()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="Events per writer and round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writers", type=int, default=8, help="Concurrent writers.")
    args = parser.parse_args()

    recreate_databases(DATABASE)
    try:
        _django()
        app = append_application()
        app.recorder.max_notification_id()  # creates the application's tables
        app.close()
        with connect(DATABASE) as conn:
            create_raw_table(conn)
        print(f"machine: {machine()}")
        print(f"PostgreSQL at {urlsplit(SERVER).hostname}, database {DATABASE}")
        for writers, events in ((1, args.events), (args.writers, args.events // 2)):
            # Alternate the three, round after round: a shared server's noise hits all.
            rounds = [
                (
                    writers_rate(_app_writer, writers, events),
                    writers_rate(_store_writer, writers, events),
                    writers_rate(_raw_writer, writers, events),
                )
                for _ in range(args.rounds)
            ]
            app, store, raw = (statistics.median(r[n] for r in rounds) for n in range(3))
            app_ratio, store_ratio = (
                statistics.median(r[n] / r[2] for r in rounds) for n in range(2)
            )
            print(
                f"{writers} writer(s) x {events} events, median of {args.rounds} rounds: "
                f"command + save {app:,.0f} events/s (ratio {app_ratio:.2f}), "
                f"store {store:,.0f} events/s (ratio {store_ratio:.2f}), "
                f"raw psycopg INSERT {raw:,.0f} rows/s",
                flush=True,
            )
    finally:
        drop_databases(DATABASE)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url> .venv/bin/python "
        f"bench/event_store_append.py --events {args.events} --writers {args.writers} "
        f"--rounds {args.rounds}"
    )


if __name__ == "__main__":
    main()
