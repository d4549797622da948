"""Soak: steady mixed load with every bus worker running; lag, latency, memory, rates.

A load process (this one, ``SERVICE=all``) writes at fixed rates through the domain
services — xAPI statements in batches of 10 (learning), registrations (identity),
ratings (reputation) — while the relay, the governance, passport and reputation
consumers and the projection runner run as real processes on a Redis of the
benchmark's own (started here, never the machine's). Every ``--sample`` seconds it
prints each group's lag and pending entries per stream and each worker's resident
memory. At the end: per group, end-to-end latency p50/p99 from the outbox row's insert
to the group's inbox row (both stamped in their transactions), and the group's rate
against the rate its events were ingested (inbox rows / outbox rows of the types it
handles, over the run and the drain after it). Bookings and votes are not in the mix
yet (they need listed spaces and open proposals set up first).

Run: ``.venv/bin/python bench/soak.py [--minutes 10] [--statements 100] [--registrations 2]
[--ratings 2]`` (rates per second; needs PostgreSQL at DATABASE_SERVER_URL and a
``redis-server`` binary; uses databases ``<BENCH_DATABASE_PREFIX><alias>``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import REPO, bench_environment, fresh_databases, machine

VERB = "http://adlnet.gov/expapi/verbs/completed"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis(directory: str) -> tuple[subprocess.Popen, str]:
    import redis

    port = _free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(port),
         "--dir", directory, "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return server, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def _workers(env: dict[str, str], logs: Path) -> dict[str, subprocess.Popen]:
    commands = {
        "relay": ["relay_events"],
        "consumer-governance": ["consume_events", "--group", "governance"],
        "consumer-passport": ["consume_events", "--group", "passport"],
        "consumer-reputation": ["consume_events", "--group", "reputation"],
        "projections": ["run_projections", "--loop"],
    }
    started = {}
    for name, args in commands.items():
        log = (logs / f"{name}.log").open("w")
        started[name] = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=REPO, env=env, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    return started


def _wait_ready(client, logs: Path) -> None:
    """Until every consumer has created its groups and the relay runs: the latencies
    measure the bus, not the workers' start-up."""
    from eventing.handlers import REGISTRY

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        groups = set()
        for group in REGISTRY.groups():
            for stream in REGISTRY.streams_for(group):
                if client.exists(stream):
                    names = {g["name"].decode() for g in client.xinfo_groups(stream)}
                    groups |= {(group, stream)} if group in names else set()
        expected = {(g, s) for g in REGISTRY.groups() for s in REGISTRY.streams_for(g)}
        if groups == expected and "relaying" in (logs / "relay.log").read_text():
            return
        time.sleep(0.5)
    raise SystemExit("the workers did not start within 5 minutes")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Load:
    """Writes through the services at fixed rates; remembers who exists to rate."""

    def __init__(self) -> None:
        from domains.learning.authority import lrs_account

        self.authority = lrs_account("clients", "soak", "Soak")
        self.members: list[uuid.UUID] = []
        self.written = {"statements": 0, "registrations": 0, "ratings": 0}

    def statements(self, count: int) -> None:
        from domains.learning.services.statements import statements_store

        for start in range(0, count, 10):
            batch = [
                {
                    "actor": {"objectType": "Agent", "mbox": f"mailto:s{n % 500}@soak.example"},
                    "verb": {"id": VERB},
                    "object": {"id": f"https://soak.example/modules/{n % 40}"},
                    "result": {"success": True, "score": {"scaled": (n % 10) / 10}},
                }
                for n in range(self.written["statements"] + start,
                               self.written["statements"] + min(count, start + 10))
            ]  # fmt: skip
            statements_store(statements=batch, authority=self.authority, batch=True)
        self.written["statements"] += count

    def registrations(self, count: int) -> None:
        from domains.identity.services import user_register

        for _ in range(count):
            user = user_register(email=f"{uuid.uuid4().hex}@soak.example", password=None)
            self.members.append(user.id)
        self.written["registrations"] += count

    def ratings(self, count: int) -> None:
        from domains.reputation.services import rating_give

        if len(self.members) < 2:
            return
        for n in range(count):
            rater, ratee = self.members[-1 - n % len(self.members)], self.members[n % 7]
            if rater == ratee:
                continue
            rating_give(rater_id=rater, ratee_id=ratee, context_type="session",
                        context_id=uuid.uuid4().hex, score=1 + n % 5)  # fmt: skip
            self.written["ratings"] += 1


def _lag(client) -> dict[str, int]:
    from eventing.handlers import REGISTRY
    from eventing.lag import group_lag

    rows = group_lag(client, {g: REGISTRY.streams_for(g) for g in REGISTRY.groups()})
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.group] = totals.get(row.group, 0) + (row.lag or 0) + row.pending
    return totals


def _latencies() -> dict[str, tuple[list[float], int, int]]:
    """Per group: latencies (ms) outbox insert → inbox row, inbox rows, outbox rows of
    the types it handles."""
    from django.db import connections

    from common.databases import served_aliases
    from eventing.handlers import REGISTRY
    from eventing.models import InboxMessage, OutboxMessage

    created = {}
    for alias in served_aliases():
        for event_id, event_type, at in OutboxMessage.objects.using(alias).values_list(
            "event_id", "event_type", "created_at"
        ):
            created[event_id] = (event_type, at)
    result = {}
    for group in REGISTRY.groups():
        alias = REGISTRY.alias_for(group)
        handled = {t for t in {v[0] for v in created.values()} if REGISTRY.groups_for(t)
                   and group in REGISTRY.groups_for(t)}  # fmt: skip
        latencies, inbox = [], 0
        for event_id, at in (
            InboxMessage.objects.using(alias)
            .filter(group=group)
            .values_list("event_id", "processed_at")
        ):
            inbox += 1
            if event_id in created:
                latencies.append((at - created[event_id][1]).total_seconds() * 1000)
        ingested = sum(1 for t, _ in created.values() if t in handled)
        result[group] = (latencies, inbox, ingested)
    connections.close_all()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--statements", type=int, default=100, help="per second")
    parser.add_argument("--registrations", type=int, default=2, help="per second")
    parser.add_argument("--ratings", type=int, default=2, help="per second")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="soak-")
    redis_server, redis_url = _redis(scratch)
    workers: dict[str, subprocess.Popen] = {}
    try:
        fresh_databases()
        env = bench_environment(REDIS_URL=redis_url, LOG_LEVEL="WARNING")
        os.environ.update(env)
        import django

        django.setup()
        import redis

        client = redis.Redis.from_url(redis_url)
        workers = _workers(env, Path(scratch))
        _wait_ready(client, Path(scratch))
        print(f"machine: {machine()}")
        print(
            f"load: {args.statements} statements/s, {args.registrations} registrations/s, "
            f"{args.ratings} ratings/s for {args.minutes} min; workers: {', '.join(workers)}"
        )
        load = Load()
        started = time.monotonic()
        end = started + args.minutes * 60
        next_sample = started + args.sample
        second = 0
        while time.monotonic() < end:
            tick = started + second
            load.registrations(args.registrations)
            load.statements(args.statements)
            load.ratings(args.ratings)
            second += 1
            behind = time.monotonic() - (started + second)
            if behind < 0:
                time.sleep(-behind)
            if time.monotonic() >= next_sample:
                lag = _lag(client)
                rss = {name: _rss_mb(p.pid) for name, p in workers.items() if p.poll() is None}
                print(
                    f"t={time.monotonic() - started:5.0f}s written={load.written} "
                    f"lag={lag} rss_mb={ {k: round(v) for k, v in rss.items()} } "
                    f"(load {max(0.0, time.monotonic() - tick - 1):.1f}s behind)",
                    flush=True,
                )
                next_sample += args.sample
        loaded = time.monotonic() - started
        drain_from = time.monotonic()
        while any(_lag(client).values()) and time.monotonic() - drain_from < 600:
            time.sleep(1)
        drained = time.monotonic() - drain_from
        dead = [name for name, p in workers.items() if p.poll() is not None]
        print(f"load ran {loaded:.0f}s; groups drained {drained:.0f}s after; "
              f"workers that exited: {dead or 'none'}")  # fmt: skip
        for group, (latencies, inbox, ingested) in _latencies().items():
            if not latencies:
                print(f"{group}: nothing handled")
                continue
            latencies.sort()
            p50 = statistics.median(latencies)
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            rate, ingest = inbox / (loaded + drained), ingested / loaded
            print(
                f"{group}: {inbox} handled of {ingested} ingested; end-to-end p50 {p50:.0f} ms, "
                f"p99 {p99:.0f} ms; rate {rate:.1f}/s vs ingest {ingest:.1f}/s "
                f"(ratio {rate / ingest:.2f})"
            )
    finally:
        for process in workers.values():
            process.send_signal(signal.SIGTERM)
        for process in workers.values():
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
        redis_server.kill()
        redis_server.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        "reproduce: DATABASE_SERVER_URL=<postgres url> BENCH_DATABASE_PREFIX=soak_ "
        f".venv/bin/python bench/soak.py --minutes {args.minutes} --statements "
        f"{args.statements} --registrations {args.registrations} --ratings {args.ratings}"
    )


if __name__ == "__main__":
    main()
