"""Soak: steady mixed load with every bus worker running; lag, latency, memory, rates.

A load process (this one, ``SERVICE=all``) writes at fixed rates through the domain
services — xAPI statements in batches of 10 (learning), registrations (identity),
ratings (reputation), bookings (marketplace: hold and confirm a past slot of a listed
space, as of a day before it, then the completion job publishes it) and votes
(governance: members governance has heard of vote on open proposals, a new proposal
every 100 votes) — while the relay, the governance, passport and reputation
consumers and the projection runner run as real processes on a Redis of the
benchmark's own (started here, never the machine's). Every ``--sample`` seconds it
prints each group's lag and pending entries per stream and each worker's resident
memory. At the end: per group, end-to-end latency p50/p99 from the outbox row's insert
to the group's inbox row (both stamped in their transactions), and the group's rate
against the rate its events were ingested (inbox rows / outbox rows of the types it
handles, over the run and the drain after it), with the same split per event type.
Bookings and votes are also timed from the call to their own read model (the booking
row, the ``Vote`` row and register entry the vote's transaction projects), and refusals
are counted (a vote by a member governance has not heard of yet is refused). The load
average is printed with every sample.

Run: ``.venv/bin/python bench/soak.py [--minutes 10] [--statements 100] [--registrations 2]
[--ratings 2] [--bookings 2] [--votes 2]`` (rates per second; needs PostgreSQL at
DATABASE_SERVER_URL and a ``redis-server`` binary; uses databases
``<BENCH_DATABASE_PREFIX><alias>``).
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import REPO, bench_environment, fresh_databases, machine

VERB = "http://adlnet.gov/expapi/verbs/completed"
HOURS = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
#: Votes per proposal before the load opens the next one (an aggregate's history grows
#: with each vote, as on a real proposal).
VOTES_PER_PROPOSAL = 100


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
        self.members: list[tuple[uuid.UUID, float]] = []  # (id, when registered)
        kinds = ("statements", "registrations", "ratings", "bookings", "votes")
        self.written = dict.fromkeys(kinds, 0)
        self.refused: dict[str, int] = {}
        self.call_ms: dict[str, list[float]] = {"bookings": [], "votes": []}
        self.space = _space()
        self.first_slot = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
        self.first_slot -= timedelta(days=400)
        self.next_slot = 0
        self.proposals: list[uuid.UUID] = []

    def _refuse(self, what: str) -> None:
        self.refused[what] = self.refused.get(what, 0) + 1

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
            self.members.append((user.id, time.monotonic()))
        self.written["registrations"] += count

    def ratings(self, count: int) -> None:
        from domains.reputation.services import rating_give

        if len(self.members) < 2:
            return
        for n in range(count):
            rater = self.members[-1 - n % len(self.members)][0]
            ratee = self.members[n % min(7, len(self.members))][0]
            if rater == ratee:
                continue
            rating_give(rater_id=rater, ratee_id=ratee, context_type="session",
                        context_id=uuid.uuid4().hex, score=1 + n % 5)  # fmt: skip
            self.written["ratings"] += 1

    def bookings(self, count: int) -> None:
        """Hold and confirm the next one-hour slots (12 a day, a year ago) as of a day
        before each; the completion job then finds them ended and publishes them."""
        from domains.marketplace.services.bookings import (
            booking_confirm,
            booking_hold,
            bookings_complete_due,
        )

        for _ in range(count):
            k, self.next_slot = self.next_slot, self.next_slot + 1
            starts = self.first_slot + timedelta(days=k // 12, hours=k % 12)
            member = self.members[k % len(self.members)][0] if self.members else uuid.uuid4()
            began, before = time.perf_counter(), starts - timedelta(days=1)
            try:
                held = booking_hold(space_id=self.space.pk, member_id=member, starts_at=starts,
                                    ends_at=starts + timedelta(hours=1), now=before)  # fmt: skip
                booking_confirm(booking_id=held.pk, member_id=member, now=before)
            except Exception as exc:  # noqa: BLE001 - counted and shown, the soak goes on
                self._refuse(f"booking ({type(exc).__name__})")
                continue
            self.call_ms["bookings"].append((time.perf_counter() - began) * 1000)
            self.written["bookings"] += 1
        bookings_complete_due(now=datetime.now(UTC))

    def votes(self, count: int) -> None:
        """Members registered at least 2 s ago (the governance consumer has had time to
        hear of them) vote; every ``VOTES_PER_PROPOSAL`` votes a new proposal opens."""
        from domains.governance.services import (
            NotEligible,
            proposal_create,
            proposal_transition,
            vote_cast,
        )

        ready = [m for m, at in self.members if time.monotonic() - at >= 2]
        if not ready:
            return
        for _ in range(count):
            n = self.written["votes"]
            if n // VOTES_PER_PROPOSAL >= len(self.proposals):
                author = ready[0]
                proposal = proposal_create(author_id=author, title=f"Soak {n}", summary="soak",
                                           method="majority", quorum=1)  # fmt: skip
                proposal_transition(proposal_id=proposal.id, actor_id=author, action="discuss")
                proposal_transition(proposal_id=proposal.id, actor_id=author, action="vote",
                                    deadline=datetime.now(UTC) + timedelta(days=3))  # fmt: skip
                self.proposals.append(proposal.id)
            began = time.perf_counter()
            try:
                vote_cast(proposal_id=self.proposals[-1], member_id=ready[n % len(ready)],
                          choice=("yes", "no")[n % 2])  # fmt: skip
            except NotEligible:
                self._refuse("vote (not eligible yet)")
                continue
            self.call_ms["votes"].append((time.perf_counter() - began) * 1000)
            self.written["votes"] += 1


def _space():
    """A listed one-seat space with a verified credential valid through the run."""
    from domains.marketplace.models import Space, SpaceCredential

    now = datetime.now(UTC)
    space = Space.objects.using("marketplace").create(
        owner_id=uuid.uuid4(), name="Soak room", location="Lyon", capacity=4,
        opening_hours=HOURS, status="listed",
    )  # fmt: skip
    SpaceCredential.objects.using("marketplace").create(
        space=space, kind="insurance", issuer="soak", reference="soak", status="verified",
        expires_at=now + timedelta(days=3650), submitted_at=now - timedelta(days=800),
    )  # fmt: skip
    return space


def _lag(client) -> dict[str, int]:
    from eventing.handlers import REGISTRY
    from eventing.lag import group_lag

    rows = group_lag(client, {g: REGISTRY.streams_for(g) for g in REGISTRY.groups()})
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.group] = totals.get(row.group, 0) + (row.lag or 0) + row.pending
    return totals


def _latencies() -> dict[str, tuple[dict[str, list[float]], int, int]]:
    """Per group: latencies (ms) outbox insert → inbox row by event type, inbox rows,
    outbox rows of the types it handles."""
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
        latencies: dict[str, list[float]] = {}
        inbox = 0
        for event_id, at in (
            InboxMessage.objects.using(alias)
            .filter(group=group)
            .values_list("event_id", "processed_at")
        ):
            inbox += 1
            if event_id in created:
                event_type, written = created[event_id]
                latencies.setdefault(event_type, []).append((at - written).total_seconds() * 1000)
        ingested = sum(1 for t, _ in created.values() if t in handled)
        result[group] = (latencies, inbox, ingested)
    connections.close_all()
    return result


def _p50_p99(ordered: list[float]) -> tuple[float, float]:
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--statements", type=int, default=100, help="per second")
    parser.add_argument("--registrations", type=int, default=2, help="per second")
    parser.add_argument("--ratings", type=int, default=2, help="per second")
    parser.add_argument("--bookings", type=int, default=2, help="per second")
    parser.add_argument("--votes", type=int, default=2, help="per second")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="soak-")
    redis_server, redis_url = _redis(scratch)
    workers: dict[str, subprocess.Popen] = {}
    try:
        fresh_databases()
        # Proposals go to the vote at once (no day of discussion) with one voter's quorum.
        env = bench_environment(
            REDIS_URL=redis_url,
            LOG_LEVEL="WARNING",
            GOVERNANCE_MIN_DISCUSSION_SECONDS="0",
            GOVERNANCE_MIN_QUORUM="1",
        )
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
            f"{args.ratings} ratings/s, {args.bookings} bookings/s, {args.votes} votes/s for "
            f"{args.minutes} min; workers: {', '.join(workers)}"
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
            load.bookings(args.bookings)
            load.votes(args.votes)
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
                    f"(load {max(0.0, time.monotonic() - tick - 1):.1f}s behind; "
                    f"load average {os.getloadavg()[0]:.1f})",
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
        for group, (by_type, inbox, ingested) in _latencies().items():
            latencies = sorted(ms for values in by_type.values() for ms in values)
            if not latencies:
                print(f"{group}: nothing handled")
                continue
            p50, p99 = _p50_p99(latencies)
            rate, ingest = inbox / (loaded + drained), ingested / loaded
            print(
                f"{group}: {inbox} handled of {ingested} ingested; end-to-end p50 {p50:.0f} ms, "
                f"p99 {p99:.0f} ms; rate {rate:.1f}/s vs ingest {ingest:.1f}/s "
                f"(ratio {rate / ingest:.2f})"
            )
            for event_type, values in sorted(by_type.items()):
                p50, p99 = _p50_p99(sorted(values))
                print(f"  {event_type}: {len(values)}, p50 {p50:.0f} ms, p99 {p99:.0f} ms")
        for what, values in load.call_ms.items():
            if values:
                p50, p99 = _p50_p99(sorted(values))
                print(f"{what} to their read model (the call, committed): {len(values)}, "
                      f"p50 {p50:.0f} ms, p99 {p99:.0f} ms")  # fmt: skip
        print(f"written {load.written}; refused {load.refused or 'none'}; "
              f"load average at the end {os.getloadavg()}")  # fmt: skip
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
        f"{args.statements} --registrations {args.registrations} --ratings {args.ratings} "
        f"--bookings {args.bookings} --votes {args.votes}"
    )


if __name__ == "__main__":
    main()
