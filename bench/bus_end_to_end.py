"""Event bus end to end: outbox row → relay → Redis Streams → consumer → handler commit.

Measures, on PostgreSQL and Redis, with the relay and the consumer as real processes:
1. throughput: N events waiting in the outbox, time until every handler committed;
2. latency at a fixed offered rate (one event per write transaction, paced), from the
   outbox row's insert to the handler's inbox row (both stamped in their transactions);
3. the same two figures for raw redis-py XADD / XREADGROUP / XACK of envelopes of the
   same size, in the same run, as the baseline (ratio);
4. the latency of 2. with the relay woken on commit (LISTEN/NOTIFY, as it runs) and
   with the relay polling every 20 ms (``EVENTBUS_RELAY_LISTEN=false``: how it ran
   before), in ``--rounds`` alternating rounds of each so the machine's load falls on
   both alike; the ratio is woken / polling.

Run: ``.venv/bin/python bench/bus_end_to_end.py [--events 20000] [--rate 500] [--seconds 10]
[--rounds 2]``
(needs PostgreSQL and Redis; uses databases bench_<alias> and Redis DB 15, both wiped).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import REPO, bench_environment, fresh_databases, machine

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


#: The relay's two ways of noticing new outbox rows.
RELAY_MODES = {
    "woken on commit": {"EVENTBUS_RELAY_LISTEN": "true"},
    "polling every 20 ms": {"EVENTBUS_RELAY_LISTEN": "false"},
}


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(60)


def platform_bus(events: int, rate: int, seconds: float, rounds: int) -> dict:
    import django

    os.environ.update(bench_environment(REDIS_URL=REDIS_URL))
    django.setup()
    from django.db import transaction

    from contracts.identity.v1 import MemberRegistered
    from domains.governance.models import Member
    from eventing.models import InboxMessage, OutboxMessage
    from eventing.outbox import outbox_publish

    def publish(count: int, *, per_transaction: int) -> None:
        for start in range(0, count, per_transaction):
            with transaction.atomic(using="identity"):
                for _ in range(min(per_transaction, count - start)):
                    outbox_publish(
                        alias="identity",
                        producer="identity",
                        event=MemberRegistered(
                            member_id=uuid.uuid4(),
                            display_name="bench",
                            joined_at=datetime.now(UTC),
                        ),
                    )

    env = bench_environment(REDIS_URL=REDIS_URL, EVENTBUS_BATCH_SIZE="500")
    # 1. Throughput: a backlog of `events`, drained by one relay and one consumer.
    publish(events, per_transaction=1000)
    started = time.perf_counter()
    consumer = _worker(env, "consume_events", "--group", "governance")
    relay = _worker(env, "relay_events")
    while Member.objects.count() < events:
        time.sleep(0.05)
    throughput = events / (time.perf_counter() - started)
    expected = events

    # 2. Latency at a fixed offered rate, one event per write transaction, per relay mode.
    latencies: dict[str, list[float]] = {mode: [] for mode in RELAY_MODES}
    for _ in range(rounds):
        for mode, settings in RELAY_MODES.items():
            _stop([relay])
            relay = _worker({**env, **settings}, "relay_events")
            publish(1, per_transaction=1)  # handled once this relay is up
            expected += 1
            while Member.objects.count() < expected:
                time.sleep(0.05)
            before = set(
                InboxMessage.objects.using("governance").values_list("event_id", flat=True)
            )
            total = int(rate * seconds)
            begin = time.perf_counter()
            for i in range(total):
                publish(1, per_transaction=1)
                delay = begin + (i + 1) / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            expected += total
            while Member.objects.count() < expected:
                time.sleep(0.05)
            written = dict(
                OutboxMessage.objects.using("identity").values_list("event_id", "created_at")
            )
            applied = InboxMessage.objects.using("governance").exclude(event_id__in=before)
            latencies[mode] += [
                (processed - written[event_id]).total_seconds() * 1000
                for event_id, processed in applied.values_list("event_id", "processed_at")
            ]
    _stop([relay, consumer])
    result = {"throughput": throughput}
    for mode, values in latencies.items():
        result[mode] = {
            "p50": statistics.median(values),
            "p99": _percentile(values, 0.99),
            "samples": len(values),
        }
    return result


def raw_redis(events: int, rate: int, seconds: float, payload: str) -> dict:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    stream, group = "bench:raw", "raw"
    client.xgroup_create(stream, group, id="0", mkstream=True)
    latencies: list[float] = []
    done = threading.Event()

    def consume(expected: int, measure: bool) -> None:
        seen = 0
        while seen < expected:
            reply = client.xreadgroup(group, "c", {stream: ">"}, count=500, block=1000) or []
            for _, entries in reply:
                ids = [entry_id for entry_id, _ in entries]
                client.xack(stream, group, *ids)
                now = time.time()
                if measure:
                    latencies.extend((now - float(f[b"t"])) * 1000 for _, f in entries)
                seen += len(entries)
        done.set()

    pipe = client.pipeline(transaction=False)
    for _ in range(events):
        pipe.xadd(stream, {"t": "0", "envelope": payload})
    started = time.perf_counter()
    pipe.execute()
    consume(events, measure=False)
    throughput = events / (time.perf_counter() - started)

    total = int(rate * seconds)
    done.clear()
    reader = threading.Thread(target=consume, args=(total, True))
    reader.start()
    begin = time.perf_counter()
    for i in range(total):
        client.xadd(stream, {"t": repr(time.time()), "envelope": payload})
        delay = begin + (i + 1) / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    reader.join()
    client.flushdb()
    return {
        "throughput": throughput,
        "p50": statistics.median(latencies),
        "p99": _percentile(latencies, 0.99),
        "samples": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2, help="Latency rounds per relay mode.")
    args = parser.parse_args()
    fresh_databases()
    ours = platform_bus(args.events, args.rate, args.seconds, args.rounds)
    from contracts.events import envelope_for
    from contracts.identity.v1 import MemberRegistered

    payload = json.dumps(envelope_for(MemberRegistered(
        member_id=uuid.uuid4(), display_name="bench", joined_at=datetime.now(UTC)),
        producer="identity").to_dict())  # fmt: skip
    raw = raw_redis(args.events, args.rate, args.seconds, payload)
    woken, polling = ours["woken on commit"], ours["polling every 20 ms"]
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(f"command: .venv/bin/python bench/bus_end_to_end.py --events {args.events} "
          f"--rate {args.rate} --seconds {args.seconds} --rounds {args.rounds}")  # fmt: skip
    print(f"{'':<34}{'platform bus':>14}{'raw redis-py':>14}{'ratio':>8}")
    print(f"{'throughput (events/s)':<34}{ours['throughput']:>14.0f}{raw['throughput']:>14.0f}"
          f"{ours['throughput'] / raw['throughput']:>8.3f}")  # fmt: skip
    for key in ("p50", "p99"):
        label = f"latency {key} at {args.rate}/s (ms)"
        print(f"{label:<34}{woken[key]:>14.2f}{raw[key]:>14.2f}{woken[key] / raw[key]:>8.1f}")
    print(f"latency samples: {woken['samples']} platform, {raw['samples']} raw")
    print(f"\nrelay at {args.rate}/s, {args.rounds} alternating rounds of {args.seconds:g}s each:")
    print(f"{'':<34}{'woken on commit':>16}{'polling 20 ms':>15}{'ratio':>8}")
    for key in ("p50", "p99"):
        label = f"latency {key} (ms)"
        print(f"{label:<34}{woken[key]:>16.2f}{polling[key]:>15.2f}"
              f"{woken[key] / polling[key]:>8.2f}")  # fmt: skip
    print(f"samples: {woken['samples']} woken, {polling['samples']} polling")


if __name__ == "__main__":
    main()
