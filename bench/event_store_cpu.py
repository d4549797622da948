"""CPU per event-store append, client and server, against a raw prepared INSERT.

One writer appends ``--events`` rating events one ``save`` (one transaction) at a
time, each made by the ledger's command beforehand (the store's work: collect, map,
append); then the same rows go into a table of the same shape through one prepared
psycopg ``INSERT`` each. For both it prints the wall time, the client's CPU time
(``time.process_time``) and the server's (the backend's ``/proc/<pid>/stat``, so
PostgreSQL must run on this machine) per row, and the ratios.

Where ``bench/event_store_append.py`` tells how fast, this tells where the time goes:
with several writers on a small machine the rate is bound by the CPU both sides spend
per append.

Run: ``.venv/bin/python bench/event_store_cpu.py [--events 3000] [--rounds 3]``
(needs PostgreSQL at DATABASE_SERVER_URL on this machine; creates and drops the
database ``bench_eventstore_cpu``, or ``BENCH_DATABASE``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import connect, drop_databases, machine, recreate_databases, service_django

DATABASE = os.environ.get("BENCH_DATABASE", "bench_eventstore_cpu")


def _backend_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) the server process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _per_row(rows: int, run, pid: int) -> tuple[float, float, float]:
    """(wall, client CPU, server CPU) in ms per row for ``run()``."""
    server, client, wall = _backend_cpu(pid), time.process_time(), time.perf_counter()
    run()
    return (
        (time.perf_counter() - wall) / rows * 1e3,
        (time.process_time() - client) / rows * 1e3,
        (_backend_cpu(pid) - server) / rows * 1e3,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="Appends per round.")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from bench.event_store_append import (
        RAW_INSERT,
        append_application,
        create_raw_table,
        ledger_and_ratings,
    )

    recreate_databases(DATABASE)
    try:
        service_django("reputation", DATABASE)
        from django.db import connections

        app = append_application()
        app.recorder.max_notification_id()  # creates the application's tables
        with connections["reputation"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            app_pid = cursor.fetchone()[0]
        raw = connect(DATABASE)
        create_raw_table(raw)
        raw_pid = raw.execute("SELECT pg_backend_pid()").fetchone()[0]
        print(f"machine: {machine()}")
        results: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
        for _ in range(args.rounds):
            ledger, ratings = ledger_and_ratings(args.events)
            app.save(ledger)  # warm up: the connection, the prepared statement
            for rating in ratings:
                ledger.give_rating(**rating)
            events = ledger.collect_events()
            rows = [app.mapper.to_stored_event(e) for e in events]

            def appends(events=events) -> None:
                for event in events:
                    app.save(event)

            def inserts(rows=rows) -> None:
                for r in rows:
                    params = (r.originator_id, r.originator_version, r.topic, r.state)
                    raw.execute(RAW_INSERT, params, prepare=True).fetchone()

            results.append(
                (_per_row(len(events), appends, app_pid), _per_row(len(rows), inserts, raw_pid))
            )
        app_ms = [statistics.median(r[0][n] for r in results) for n in range(3)]
        raw_ms = [statistics.median(r[1][n] for r in results) for n in range(3)]
        print(f"ms per row, median of {args.rounds} rounds of {args.events}:")
        print("                 wall    client   server   client+server")
        for name, (wall, client, server) in (("store append", app_ms), ("raw INSERT", raw_ms)):
            print(f"{name:14} {wall:7.3f} {client:8.3f} {server:8.3f} {client + server:10.3f}")
        print(
            "raw / store, CPU per row: "
            f"{(raw_ms[1] + raw_ms[2]) / (app_ms[1] + app_ms[2]):.2f} "
            f"(client {raw_ms[1] / app_ms[1]:.2f}, server {raw_ms[2] / app_ms[2]:.2f})"
        )
        raw.close()
        app.close()
        connections.close_all()
    finally:
        drop_databases(DATABASE)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url on this machine> .venv/bin/python "
        f"bench/event_store_cpu.py --events {args.events} --rounds {args.rounds}"
    )


if __name__ == "__main__":
    main()
