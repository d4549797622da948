"""Shared start-up for benchmarks: fresh PostgreSQL databases of their own, migrated.

Benchmarks never touch the development or test databases: each gets databases named
``bench_<alias>`` on the server in ``DATABASE_SERVER_URL`` (default: the local one),
dropped and recreated on every run.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
ALIASES = ("default", "identity", "learning", "reputation", "passport", "governance", "marketplace")
SERVER = os.environ.get("DATABASE_SERVER_URL", "postgres://postgres:postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench_")


def bench_environment(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_SERVER_URL": SERVER,
        # BENCH_DATABASE_PREFIX: another prefix, so two benchmarks can run at once.
        "DATABASE_NAME_PREFIX": PREFIX,
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY", "bench-only-secret-key-0123456789abcdef-0123456789abcdef"
        ),
        "METRICS_TOKEN": os.environ.get(
            "METRICS_TOKEN", "bench-only-metrics-token-0123456789abcdef"
        ),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    return env


def database_url(name: str) -> str:
    """The URL of database ``name`` on the benchmark's server."""
    parts = urlsplit(SERVER)
    return f"{parts.scheme}://{parts.netloc}/{name}"


def connect(dbname: str = "postgres"):
    """An autocommit psycopg connection to ``dbname`` (default: the maintenance one)."""
    import psycopg

    parts = urlsplit(SERVER)
    return psycopg.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname=dbname, autocommit=True,
    )  # fmt: skip


def server_admin(*statements: str) -> None:
    """Run statements on the server's maintenance database (creating, dropping)."""
    with connect() as conn:
        for statement in statements:
            conn.execute(statement)


def drop_databases(*names: str) -> None:
    server_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


def recreate_databases(*names: str) -> None:
    """Empty databases of the benchmark's own, dropped first if a run left them."""
    drop_databases(*names)
    server_admin(*(f'CREATE DATABASE "{name}"' for name in names))


def fresh_databases() -> None:
    recreate_databases(*(f"{PREFIX}{alias}" for alias in ALIASES))
    subprocess.run(
        [sys.executable, "manage.py", "migrate_all", "-v0"],
        cwd=REPO, env=bench_environment(), check=True,
    )  # fmt: skip


def service_django(service: str, database: str, **extra: str) -> None:
    """Set Django up in this process as ``SERVICE=service`` alone, its one database
    being ``database`` on the benchmark's server (``extra``: more variables)."""
    import django

    url = {f"DATABASE_URL_{service.upper()}": database_url(database)}
    os.environ.update(bench_environment(SERVICE=service, **url, **extra))
    django.setup()


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def writers_rate(target, writers: int, *args) -> float:
    """Items per second for ``writers`` processes running ``target(*args, start,
    results)`` at once: each waits on the barrier ``start``, does its work and puts
    (count, began, ended) on ``results``. Spawned, not forked: each sets Django up
    itself, as a web worker would. Exits when a writer fails."""
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(target=target, args=(*args, start, results)) for _ in range(writers)
    ]
    for process in processes:
        process.start()
    outcomes = []
    while len(outcomes) < writers:
        try:
            outcomes.append(results.get(timeout=1))
        except queue.Empty:
            if any(p.exitcode for p in processes):
                for process in processes:
                    process.kill()
                raise SystemExit("a writer failed; see its traceback above") from None
    for process in processes:
        process.join()
    total = sum(count for count, _, _ in outcomes)
    return total / (max(end for *_, end in outcomes) - min(began for _, began, _ in outcomes))
