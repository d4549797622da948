"""gunicorn settings of every web process, and readiness-first graceful shutdown.

Used as ``gunicorn config.wsgi:application -c python:config.gunicorn`` (the
Dockerfile's CMD, so every Kubernetes web Deployment too). Command-line options
override these values (the tests pass ``--bind``).

Shutdown, on SIGTERM to the master:

1. **Drain** for ``SHUTDOWN_DRAIN_SECONDS``: the master raises the shared draining flag
   (``common.health.draining``), so ``/ready`` answers 503 ``draining`` in every
   worker while every other request is still served. The load balancer sees the
   failing probe (or the endpoint removal propagates) and stops sending traffic.
2. **Stop**: gunicorn's own graceful stop — listeners closed, workers finish their
   in-flight requests within ``graceful_timeout``, then the master exits 0.

gunicorn has no "before stop" hook: its master loop calls ``handle_<signal>`` methods
looked up by name, and ``handle_term`` raises ``StopIteration`` (→ ``halt`` →
``stop``). ``when_ready`` (a documented hook, run in the master once it listens and
before it forks workers) replaces ``handle_term`` on the arbiter with
:func:`_drain_then_stop`: the first SIGTERM starts the drain and arms a one-shot
``SIGALRM`` timer (``setitimer``: no thread in a process that forks) whose handler
sends SIGTERM again; that second SIGTERM — or one sent by an operator who will not
wait — takes gunicorn's own path. SIGINT and SIGQUIT keep their immediate meaning.
Workers only ever see gunicorn's usual SIGTERM, after the drain.

This is a server setting, read here and not in ``config/settings``: the master never
loads Django settings, and Django code has no use for the value.
"""

from __future__ import annotations

import os
import signal

from common.health import draining
from config.env import read

bind = "0.0.0.0:8000"
workers = read("WEB_CONCURRENCY", "int", 2)
#: Threads per worker, more than the requests a worker runs at once
#: (WEB_MAX_CONCURRENT_REQUESTS, common.shedding): /health and /ready always find one.
worker_class = "gthread"
threads = read("WEB_THREADS", "int", 8)
#: In-flight requests get this long to finish once the drain is over (then SIGKILL).
graceful_timeout = 25
accesslog = "-"

#: Seconds /ready answers 503 before the server stops accepting requests. The default
#: is the Kubernetes readiness probe's period times its failure threshold (5 s, 2): the time a
#: failing probe takes to take the pod out of the Service's endpoints.
SHUTDOWN_DRAIN_SECONDS = read("SHUTDOWN_DRAIN_SECONDS", "float", 10.0)


def when_ready(server) -> None:
    server.handle_term = lambda: _drain_then_stop(server)


def _drain_then_stop(server) -> None:
    if draining.is_draining() or SHUTDOWN_DRAIN_SECONDS <= 0:
        signal.setitimer(signal.ITIMER_REAL, 0)  # a second SIGTERM ends the drain early
        raise StopIteration  # gunicorn's own SIGTERM handling: graceful stop, exit 0
    draining.begin()
    server.log.info(
        "SIGTERM: draining for %.1f s (/ready answers 503, requests are still served)",
        SHUTDOWN_DRAIN_SECONDS,
    )
    signal.signal(signal.SIGALRM, lambda signum, frame: os.kill(os.getpid(), signal.SIGTERM))
    signal.setitimer(signal.ITIMER_REAL, SHUTDOWN_DRAIN_SECONDS)
