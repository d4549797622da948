"""What the strangler gateway adds to a request, under gunicorn.

Same run, four targets, alternating rounds so background load hits each alike:

- ``GET /api/spaces/1`` through the gateway, route in mode ``new``: the gateway matches
  the route, decides, maps the legacy id, calls the marketplace view in process and
  translates its answer to the legacy shape — against ``GET
  /api/v1/marketplace/spaces/<id>``, the same view without the gateway (the baseline);
- ``GET /api/users/1`` through the gateway, route in mode ``legacy``: proxied to the
  reference legacy service — against calling that service directly (the baseline).

Latency: sequential requests over a keep-alive pool, p50/p99 per target. Throughput:
requests per second with 4 client threads for a fixed time. gunicorn runs 2 sync
workers; the client, gunicorn and the legacy service share the machine's cores. Rate
limiting is off (it costs the same with or without the gateway).

Run: ``.venv/bin/python bench/gateway_latency.py [--requests 1500] [--seconds 5]``
(needs PostgreSQL at DATABASE_SERVER_URL; creates its own databases ``benchgw_<alias>``,
dropped and recreated on every run).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import ALIASES, REPO, bench_environment, machine, recreate_databases

PREFIX = "benchgw_"
#: Legacy space 1 on the new side (``legacy_adapter.acl.values.uuid_for("space", 1)``).
SPACE_1 = "1e9ac0de-0002-8000-8000-000000000001"
SETUP = """
import django
django.setup()
from domains.marketplace.models import Space
from gateway.models import Route
from gateway.services import route_change
from legacy_adapter.acl.values import uuid_for
Space.objects.create(id=uuid_for("space", 1), owner_id=uuid_for("user", 1), name="Quiet room",
    description="A calm room.", location="12 Library Lane", capacity=12, status="listed")
spaces = Route.objects.create(method="GET", path_pattern="/api/spaces/{id}",
    legacy_target="/api/spaces/{id}", new_target="/api/v1/marketplace/spaces/{id}",
    translator="spaces.detail")
for mode in ("shadow", "new"):
    route_change(route_id=spaces.id, changes={"mode": mode}, actor="bench", reason="bench")
Route.objects.create(method="GET", path_pattern="/api/users/{id}", legacy_target="/api/users/{id}")
"""


def _fresh_databases() -> None:
    recreate_databases(*(f"{PREFIX}{alias}" for alias in ALIASES))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str) -> None:
    for _ in range(200):
        try:
            urllib3.request("GET", url, timeout=1, retries=False)
            return
        except urllib3.exceptions.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def _latencies(pool: urllib3.PoolManager, url: str, count: int) -> list[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        response = pool.request("GET", url, retries=False)
        out.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status} {response.data[:200]!r}")
    return out


def _throughput(url: str, seconds: float, threads: int = 4) -> float:
    done = [0] * threads
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        pool = urllib3.PoolManager(maxsize=1)
        while time.monotonic() < stop:
            pool.request("GET", url, retries=False)
            done[i] += 1

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / seconds


def _in_process(paths: dict[str, str], count: int, rounds: int) -> dict[str, list[float]]:
    """The same requests through Django's handler in this process: no sockets, no
    gunicorn, so what differs between two paths is the gateway's own work."""
    import django
    from django.test import Client

    django.setup()
    client = Client()
    for path in paths.values():
        for _ in range(50):
            client.get(path)
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            for _ in range(count):
                started = time.perf_counter()
                response = client.get(path)
                samples[name].append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")
    return samples


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    legacy_port, app_port = _port(), _port()
    env = bench_environment(
        DATABASE_NAME_PREFIX=PREFIX, LEGACY_BASE_URL=f"http://127.0.0.1:{legacy_port}",
        RATELIMIT_ENABLE="false",  # the same on both sides; not what is measured here
    )  # fmt: skip
    print("preparing databases and routes…", flush=True)
    _fresh_databases()
    subprocess.run(
        [sys.executable, "manage.py", "migrate_all", "-v0"], cwd=REPO, env=env, check=True
    )
    subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, env=env, check=True)
    tmp = Path(tempfile.mkdtemp(prefix="benchgw-"))
    legacy = subprocess.Popen(
        [sys.executable, "-m", "legacy_adapter.reference_service", "--port", str(legacy_port),
         "--db", str(tmp / "legacy.sqlite3")], cwd=REPO, env=env,
    )  # fmt: skip
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{app_port}",
         "--log-level", "warning"], cwd=REPO, env=env,
    )  # fmt: skip
    try:
        base, legacy_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{legacy_port}"
        _wait(f"{legacy_url}/_control")
        _wait(f"{base}/health")
        targets = {
            "new via gateway": f"{base}/api/spaces/1",
            "same view direct": f"{base}/api/v1/marketplace/spaces/{SPACE_1}",
            "legacy via gateway": f"{base}/api/users/1",
            "legacy direct": f"{legacy_url}/api/users/1",
        }
        pool = urllib3.PoolManager(maxsize=2)
        for url in targets.values():
            _latencies(pool, url, 50)  # warm-up: connections, caches, route table
        samples: dict[str, list[float]] = {name: [] for name in targets}
        per_round = max(1, args.requests // args.rounds)
        for _ in range(args.rounds):
            for name, url in targets.items():
                samples[name] += _latencies(pool, url, per_round)
        rates = {name: _throughput(url, args.seconds) for name, url in targets.items()}
        os.environ.update(env)
        local = _in_process(
            {name: urlsplit(url).path for name, url in list(targets.items())[:3]},
            per_round, args.rounds,
        )  # fmt: skip
    finally:
        app.terminate()
        legacy.terminate()
        app.wait(10)
        legacy.wait(10)

    print(f"\n{machine()}\ngunicorn 2 sync workers; {args.requests} sequential requests per target")
    print(f"{'target':<22}{'p50 ms':>9}{'p99 ms':>9}{'req/s (4 threads)':>20}")
    for name, values in samples.items():
        print(f"{name:<22}{_pct(values, 0.5):>9.2f}{_pct(values, 0.99):>9.2f}{rates[name]:>20.0f}")
    for gw, direct in (
        ("new via gateway", "same view direct"),
        ("legacy via gateway", "legacy direct"),
    ):
        p50 = _pct(samples[gw], 0.5) - _pct(samples[direct], 0.5)
        p99 = _pct(samples[gw], 0.99) - _pct(samples[direct], 0.99)
        ratio = statistics.median(samples[gw]) / statistics.median(samples[direct])
        print(f"{gw} adds {p50:.2f} ms p50, {p99:.2f} ms p99 (x{ratio:.2f} of {direct}); "
              f"throughput x{rates[gw] / rates[direct]:.2f}")  # fmt: skip
    print("\nin process (Django's handler, no sockets), ms:")
    for name, values in local.items():
        print(f"{name:<22}{_pct(values, 0.5):>9.3f}{_pct(values, 0.99):>9.3f}")
    added = _pct(local["new via gateway"], 0.5) - _pct(local["same view direct"], 0.5)
    print(f"gateway adds {added:.3f} ms p50 in process (target: under 1 ms)")
    print(f"\ncommand: .venv/bin/python bench/gateway_latency.py --requests {args.requests} "
          f"--seconds {args.seconds:g} --rounds {args.rounds}")  # fmt: skip


if __name__ == "__main__":
    main()
