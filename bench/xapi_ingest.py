"""xAPI LRS: statement ingestion and query latency under gunicorn on PostgreSQL.

A ``SERVICE=learning`` process under gunicorn (sync workers, as the Dockerfile runs
it) with HTTP Basic credentials of an LRS client, rate limiting on (Redis) and the
outbox written for every statement (no relay running: the rows wait, as when the bus
lags). Client processes speak HTTP/1.1 over loopback.

1. single POSTs, 4 concurrent clients → statements/s;
2. POSTs of 50 statements, 4 concurrent clients, every batch sharing the same 50
   agents and 20 activities with the others (the case that deadlocks a peer LRS) →
   statements/s, and the count of non-200 answers;
3. filling to ``--total`` statements, then p50/p99 of GET /xapi/statements filtered by
   agent, verb, activity and since (limit 20), and EXPLAIN ANALYZE of the queries an
   agent-filtered page runs. 2 % of the statements are StatementRefs (to statements
   kept elsewhere), which every filtered list must follow.

Baseline in the same run: GET /xapi/about (no database, no auth) under the same
server and clients, the HTTP floor every figure is compared with.

Every request announces ``--xapi-version`` (default 1.0.3; 2.0.0 runs the same load
through the LRS's xAPI 2.0 rules).

Run: ``.venv/bin/python bench/xapi_ingest.py [--total 100000] [--workers 4]
[--xapi-version 2.0.0]``
(needs PostgreSQL at DATABASE_SERVER_URL and Redis; creates and drops
``bench_lrs_learning``).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import REPO, bench_environment, machine, recreate_databases

PREFIX = "bench_lrs_"
PORT = 18765
AGENTS = [{"mbox": f"mailto:learner{i}@bench.example"} for i in range(1000)]
SHARED_AGENTS = AGENTS[:50]
ACTIVITIES = [f"https://bench.example/activities/{i}" for i in range(200)]
VERBS = [f"http://adlnet.gov/expapi/verbs/v{i}" for i in range(20)]
CLIENTS = 4
#: Share of statements whose object is a StatementRef (the filters follow them).
REF_SHARE = 0.02
#: The X-Experience-API-Version every request sends (``--xapi-version``).
XAPI_VERSION = "1.0.3"


def environment() -> dict[str, str]:
    return bench_environment(
        SERVICE="learning",
        DATABASE_NAME_PREFIX=PREFIX,
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"),
        LRS_RATE_LIMIT="100000000/m",
        LOG_LEVEL="ERROR",
        DATABASE_POOL_MAX_SIZE="4",
    )


def fresh_database() -> None:
    recreate_databases(f"{PREFIX}learning")
    run = [sys.executable, "manage.py"]
    subprocess.run([*run, "migrate_all", "-v0"], cwd=REPO, env=environment(), check=True)


def credentials() -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", "lrs_client", "create", "bench"],
        cwd=REPO, env=environment(), check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    key = out.split("key:")[1].split()[0]
    secret = out.split("secret:")[1].split()[0]
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def start_server(workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
            "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers),
            "--log-level", "warning",
        ],
        cwd=REPO, env=environment(), start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def statement(rng: random.Random, agents=AGENTS, activities=ACTIVITIES) -> dict:
    body = {
        "actor": rng.choice(agents),
        "verb": {"id": rng.choice(VERBS), "display": {"en-US": "did"}},
        "object": {"id": rng.choice(activities), "definition": {"name": {"en-US": "A"}}},
        "result": {"score": {"scaled": round(rng.random(), 2)}, "completion": True},
        "context": {"registration": str(uuid.UUID(int=rng.getrandbits(128), version=4))},
    }
    if rng.random() < REF_SHARE:
        # A comment on a statement kept elsewhere: filtered lists follow every one of these.
        target = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        body["object"] = {"objectType": "StatementRef", "id": target}
    return body


def _request(conn, method, path, auth, body=None):
    headers = {"X-Experience-API-Version": XAPI_VERSION, "Authorization": auth}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def _client(args) -> tuple[int, int, float]:
    """(requests ok, requests failed, seconds) of one client process."""
    kind, auth, count, per_request, seed = args
    rng = random.Random(seed)  # noqa: S311 - load generation, not secrets
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    if kind == "about":
        bodies = [None] * count
    elif kind == "shared":
        bodies = [
            json.dumps([statement(rng, SHARED_AGENTS, ACTIVITIES[:20]) for _ in range(per_request)])
            for _ in range(count)
        ]
    else:
        bodies = [
            json.dumps(
                statement(rng) if per_request == 1 else [statement(rng) for _ in range(per_request)]
            )
            for _ in range(count)
        ]
    ok = failed = 0
    start = time.perf_counter()
    for body in bodies:
        if kind == "about":
            status = _request(conn, "GET", "/xapi/about", auth)
        else:
            status = _request(conn, "POST", "/xapi/statements", auth, body)
        ok, failed = (ok + 1, failed) if status == 200 else (ok, failed + 1)
    return ok, failed, time.perf_counter() - start


def load(kind: str, auth: str, *, requests_per_client: int, per_request: int) -> dict:
    jobs = [(kind, auth, requests_per_client, per_request, n) for n in range(CLIENTS)]
    start = time.perf_counter()
    with multiprocessing.Pool(CLIENTS) as pool:
        results = pool.map(_client, jobs)
    elapsed = time.perf_counter() - start
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    return {
        "requests": ok,
        "failed": failed,
        "seconds": elapsed,
        "per_s": ok * per_request / elapsed,
    }


def fill(auth: str, target: int, already: int) -> None:
    remaining = target - already
    per_client = max(1, remaining // (CLIENTS * 500))
    load("random", auth, requests_per_client=per_client, per_request=500)


def latencies(auth: str, name: str, params_of, rounds: int) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    rng = random.Random(name)  # noqa: S311
    times = []
    for _ in range(rounds):
        path = "/xapi/statements?" + urlencode({**params_of(rng), "limit": 20})
        start = time.perf_counter()
        status = _request(conn, "GET", path, auth)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def explain_agent_query() -> tuple[int, int, list[str]]:
    """EXPLAIN ANALYZE of each query one agent-filtered page runs (direct matches, then
    the StatementRef statements that target a match)."""
    os.environ.update(environment())
    import django

    django.setup()
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from domains.learning.models import Statement
    from domains.learning.selectors import StatementQuery, statement_list

    connection = connections["learning"]
    with CaptureQueriesContext(connection) as captured:
        statement_list(query=StatementQuery(agent_ifi=AGENTS[7]["mbox"]), limit=20)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN ANALYZE " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    refs = Statement.objects.filter(object_type="StatementRef").count()
    return Statement.objects.count(), refs, plans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--xapi-version", default="1.0.3", choices=["1.0.3", "2.0.0"])
    options = parser.parse_args()
    global XAPI_VERSION  # read by the forked client processes
    XAPI_VERSION = options.xapi_version
    print(machine())
    fresh_database()
    auth = credentials()
    server = start_server(options.workers)
    run_start = time.time()
    try:
        load("about", auth, requests_per_client=50, per_request=1)  # warm up every worker
        about = load("about", auth, requests_per_client=500, per_request=1)
        single = load("random", auth, requests_per_client=300, per_request=1)
        batches = load("shared", auth, requests_per_client=40, per_request=50)
        stored = single["requests"] + batches["requests"] * 50
        fill(auth, options.total, stored)
        began, ended = run_start, time.time()

        def since(rng):
            moment = began + rng.random() * (ended - began)
            return {"since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))}

        queries = {
            "agent": lambda rng: {"agent": json.dumps(rng.choice(AGENTS))},
            "verb": lambda rng: {"verb": rng.choice(VERBS)},
            "activity": lambda rng: {"activity": rng.choice(ACTIVITIES)},
            "since": since,
        }
        figures = {name: latencies(auth, name, q, options.rounds) for name, q in queries.items()}
        about_ms = latencies(auth, "about", lambda rng: {}, options.rounds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"gunicorn --workers {options.workers} (sync), {CLIENTS} client processes, "
          f"X-Experience-API-Version: {XAPI_VERSION}")  # fmt: skip
    print(f"baseline GET /xapi/about: {about['per_s']:.0f} req/s")
    for name, result in (("single POSTs", single), ("batches of 50 (shared agents)", batches)):
        print(
            f"{name}: {result['per_s']:.0f} statements/s "
            f"({result['per_s'] / about['per_s']:.2f} x baseline req/s), "
            f"{result['failed']} non-200 of {result['requests'] + result['failed']} requests"
        )
    print(f"query latency at ~{options.total} statements (limit 20), ms p50 / p99:")
    for name, (p50, p99) in figures.items():
        print(f"  {name:9} {p50:6.1f} / {p99:6.1f}")
    print(f"  about     {about_ms[0]:6.1f} / {about_ms[1]:6.1f}   (baseline)")
    count, refs, plans = explain_agent_query()
    print(f"statements stored: {count}, of which StatementRef: {refs}")
    for title, plan in zip(("direct matches", "statements targeting a match"), plans, strict=True):
        print(f"EXPLAIN ANALYZE of the agent filter, {title}:")
        print(plan)
    print(
        f"Command: .venv/bin/python bench/xapi_ingest.py --total {options.total} "
        f"--rounds {options.rounds} --xapi-version {XAPI_VERSION}"
    )


if __name__ == "__main__":
    main()
