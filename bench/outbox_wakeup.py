"""Outbox writes from concurrent writers: the relay's wake-up after the commit, inside it, none.

Each writer is its own process (like a web worker) committing transactions that write
one outbox row through ``outbox_publish`` on the identity database, as a registration
does. Three ways, alternating round after round in the same run:

- ``after commit`` (the platform as it is, ``eventing.wakeup``): ``NOTIFY`` in a
  transaction of its own once the write has committed;
- ``inside`` (as it was): ``NOTIFY`` in the writing transaction, so its commit holds the
  server's notification queue lock through the disk flush;
- ``none`` (the ceiling): no wake-up at all (the relay would poll).

Ratios are to ``none``, medians of the rounds. ``--raw``: the same three with plain
psycopg statements instead of the platform's code (an ``INSERT`` per transaction), which
shows the server's side alone, without the writers' Python competing for the CPU.

Run: ``.venv/bin/python bench/outbox_wakeup.py [--writers 8] [--writes 500] [--rounds 3]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates and drops ``bench_outbox_wakeup``, or
``BENCH_DATABASE``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import (
    connect,
    drop_databases,
    machine,
    recreate_databases,
    service_django,
    writers_rate,
)

DATABASE = os.environ.get("BENCH_DATABASE", "bench_outbox_wakeup")
MODES = ("after commit", "inside", "none")


def _django() -> None:
    service_django("identity", DATABASE, REDIS_URL="redis://127.0.0.1:6379/15")


def _raw_writer(mode: str, writes: int, start, results) -> None:
    statements = {
        "after commit": [
            "INSERT INTO wakeup_raw (v) VALUES (1)",
            "SELECT set_config('synchronous_commit', 'off', true), pg_notify('bench', 'x')",
        ],
        "inside": [
            "BEGIN; INSERT INTO wakeup_raw (v) VALUES (1); SELECT pg_notify('bench', 'x'); COMMIT"
        ],
        "none": ["INSERT INTO wakeup_raw (v) VALUES (1)"],
    }[mode]
    with connect(DATABASE) as conn:
        start.wait()
        began = time.monotonic()
        for _ in range(writes):
            for statement in statements:
                conn.execute(statement)
        results.put((writes, began, time.monotonic()))


def _writer(mode: str, writes: int, start, results) -> None:
    _django()
    from datetime import UTC, datetime
    from uuid import uuid4

    from django.db import connections, transaction

    from contracts.identity.v1 import MemberRegistered
    from eventing import delivery, wakeup
    from eventing.outbox import outbox_publish

    class NotifyInside:
        def outbox_written(self, alias: str) -> None:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [wakeup.CHANNEL, alias])

    class NoWakeUp:
        def outbox_written(self, alias: str) -> None:
            pass

    delivery.install(
        {"after commit": delivery.RelayDelivery, "inside": NotifyInside, "none": NoWakeUp}[mode]()
    )

    def write() -> None:
        with transaction.atomic(using="identity"):
            outbox_publish(
                alias="identity",
                producer="identity",
                event=MemberRegistered(
                    member_id=uuid4(), display_name="bench", joined_at=datetime.now(UTC)
                ),
            )

    write()  # warm up: the connection, the first statements
    start.wait()
    began = time.monotonic()
    for _ in range(writes):
        write()
    results.put((writes, began, time.monotonic()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writes", type=int, default=500, help="Per writer and round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--raw", action="store_true", help="Plain psycopg statements.")
    args = parser.parse_args()

    recreate_databases(DATABASE)
    try:
        _django()
        from django.core.management import call_command

        call_command("migrate", database="identity", verbosity=0)
        with connect(DATABASE) as conn:
            conn.execute("CREATE TABLE wakeup_raw (id bigserial PRIMARY KEY, v int)")
        target = _raw_writer if args.raw else _writer
        print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
        rates = {mode: [] for mode in MODES}
        for _ in range(args.rounds):
            for mode in MODES:  # alternating: a shared machine's noise hits all three
                rates[mode].append(writers_rate(target, args.writers, mode, args.writes))
        ceiling = rates["none"]
        for mode in MODES:
            ratio = statistics.median(r / c for r, c in zip(rates[mode], ceiling, strict=True))
            print(
                f"{'raw, ' if args.raw else ''}{args.writers} writers, wake-up {mode:<12} "
                f"{statistics.median(rates[mode]):7,.0f} commits/s   ratio to none {ratio:.2f}"
            )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        from django.db import connections

        connections.close_all()
        drop_databases(DATABASE)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url> .venv/bin/python bench/outbox_wakeup.py "
        f"--writers {args.writers} --writes {args.writes} --rounds {args.rounds}"
        + (" --raw" if args.raw else "")
    )


if __name__ == "__main__":
    main()
