"""Dependency checks behind ``/ready``.

Each check is bounded in time so a dead dependency makes readiness fail fast instead
of hanging the probe. Databases are critical (no request can be served without
them); Redis is not: writes go to the transactional outbox and are delivered once the
bus is back, so a Redis outage degrades the process without taking it out of service.

A probe reuses connections: the database pool's when there is one, otherwise one
connection per alias kept between probes, and one Redis connection pool. A fresh
(TLS) connection per probe, every few seconds per container, made readiness flap on
a loaded machine (seen running the Kubernetes rehearsal) and measured connection set-up
rather than the dependency. A kept connection that broke is dropped and the check
reconnects at once, so a restarted server is seen as soon as it answers.
"""

from __future__ import annotations

import functools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
import redis
from django.conf import settings
from django.db import connections
from redis.backoff import NoBackoff
from redis.retry import Retry

from common.databases import served_aliases, unpooled_connection_params
from common.observability.metrics import DEPENDENCY_UP

CHECK_TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class CheckResult:
    name: str
    critical: bool
    ok: bool
    latency_ms: float
    error: str = ""

    def as_dict(self) -> dict:
        body = {
            "status": "up" if self.ok else ("down" if self.critical else "degraded"),
            "critical": self.critical,
            "latency_ms": round(self.latency_ms, 2),
        }
        if self.error:
            body["error"] = self.error
        return body


def _timed(name: str, critical: bool, probe) -> CheckResult:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported by name
        elapsed = (time.perf_counter() - started) * 1000
        return CheckResult(name, critical, False, elapsed, f"{type(exc).__name__}: {exc}"[:300])
    return CheckResult(name, critical, True, (time.perf_counter() - started) * 1000)


def _probe_database(alias: str) -> None:
    connection = connections[alias]
    pool = getattr(connection, "pool", None) if connection.vendor == "postgresql" else None
    if pool is not None:
        # Through the pool the requests use, so /ready says what they will meet (a pool
        # still reconnecting fails it even if the server answers), waiting no longer
        # than the probe may.
        pool.open()
        with pool.connection(timeout=CHECK_TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT 1")
    elif connection.vendor == "postgresql":
        _probe_kept_connection(alias)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


#: Without a pool: one psycopg connection per alias, kept between probes (probes of
#: one alias run in turn under its lock; each is bounded by the check timeout).
_kept: dict[str, psycopg.Connection] = {}
_kept_locks: dict[str, threading.Lock] = {}


def _probe_kept_connection(alias: str) -> None:
    with _kept_locks.setdefault(alias, threading.Lock()):
        kept = _kept.get(alias)
        if kept is None or kept.closed:
            params = unpooled_connection_params(alias)
            params["connect_timeout"] = CHECK_TIMEOUT_SECONDS
            kept = _kept[alias] = psycopg.connect(**params, autocommit=True)
        try:
            kept.execute("SELECT 1")
        except psycopg.Error:
            kept.close()  # reconnect on the next probe
            raise


_redis_clients: dict[str, redis.Redis] = {}


def _redis_client(url: str) -> redis.Redis:
    """One client (its connection pool) per URL for every probe of this process; a
    connection the server dropped is retried once on a new one before failing."""
    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients.setdefault(
            url,
            redis.Redis.from_url(
                url,
                socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
                socket_timeout=CHECK_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 1),
                retry_on_error=[redis.ConnectionError],
                client_name="readiness-probe",
            ),
        )
    return client


def _probe_redis() -> None:
    _redis_client(settings.REDIS_URL).ping()


def run_checks() -> list[CheckResult]:
    """Check every database alias this process uses, and Redis when configured.

    The network checks run at the same time: ``/ready`` then takes as long as the
    slowest check (at most ``CHECK_TIMEOUT_SECONDS``), not their sum, which for a
    process serving seven databases was longer than the probes' timeout whenever
    connections were scarce (seen in the compose stack: the Celery worker's and
    beat's probes timed out while the others answered).
    """
    checks = []
    for alias in served_aliases():
        probe = functools.partial(_probe_database, alias)
        checks.append((f"database:{alias}", True, probe, connections[alias].vendor))
    if settings.REDIS_URL:
        checks.append(("redis", False, _probe_redis, "redis"))
    # SQLite (the embedded run) in this thread: its connections belong to their thread.
    local = [c for c in checks if c[3] == "sqlite"]
    remote = [c for c in checks if c[3] != "sqlite"]
    results = {name: _timed(name, critical, probe) for name, critical, probe, _ in local}
    if remote:
        with ThreadPoolExecutor(len(remote), thread_name_prefix="readiness") as executor:
            futures = {
                name: executor.submit(_timed, name, critical, probe)
                for name, critical, probe, _ in remote
            }
            results.update({name: future.result() for name, future in futures.items()})
    return [results[name] for name, *_ in checks]


def readiness() -> tuple[int, dict]:
    """Run the checks, record them in ``platform_dependency_up``, and say what ``/ready``
    answers (status code, JSON body): the web processes and the workers' own server
    (``common.observability.worker_server``) give the same answer."""
    results = run_checks()
    for result in results:
        DEPENDENCY_UP.labels(
            service=settings.SERVICE, dependency=result.name, critical=str(result.critical).lower()
        ).set(1 if result.ok else 0)
    critical_down = [r.name for r in results if r.critical and not r.ok]
    degraded = [r.name for r in results if not r.critical and not r.ok]
    if critical_down:
        status, code = "unavailable", 503
    elif degraded:
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    body = {
        "status": status,
        "checks": {r.name: r.as_dict() for r in results},
    }
    if critical_down:
        body["unavailable"] = critical_down
    return code, body
