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

Read-only root filesystem (the image and every manifest run it that way, with only
``/tmp`` and ``/app/var`` writable):

- gunicorn 25+ opens a control socket for ``gunicornc`` under ``$HOME/.gunicorn`` by
  default; the app user's home is ``/app`` (read-only), so every start logged
  ``Permission denied: '/app/.gunicorn'``. Nothing here uses ``gunicornc`` (Kubernetes
  and compose manage the process by signals), so the socket is off.
- Prometheus metrics of pre-forked workers: each worker counts in its own memory, so a
  scrape would report whichever worker answered it. ``PROMETHEUS_MULTIPROC_DIR`` (set
  by the master before it forks, so before any worker imports ``prometheus_client``) makes every
  worker write its samples to files there, and ``/metrics`` sums them
  (``common.observability.metrics.render``). An operator may choose the directory; by
  default it is a fresh one under the temporary directory, wiped at start and on exit.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from urllib.parse import urlsplit

from common.health import draining
from config.env import read
from config.services import SERVICE_CHOICES, selected_parts, serves_admin

bind = "0.0.0.0:8000"
workers = read("WEB_CONCURRENCY", "int", 2)
#: Threads per worker, more than the requests a worker runs at once
#: (WEB_MAX_CONCURRENT_REQUESTS, common.shedding): /health and /ready always find one.
worker_class = "gthread"
threads = read("WEB_THREADS", "int", 8)
#: In-flight requests get this long to finish once the drain is over (then SIGKILL).
graceful_timeout = 25
accesslog = "-"
#: No ``gunicornc`` control socket: its default place is the read-only home directory.
control_socket_disable = True

#: Seconds /ready answers 503 before the server stops accepting requests. The default
#: is the Kubernetes readiness probe's period times its failure threshold (5 s, 2): the time a
#: failing probe takes to take the pod out of the Service's endpoints.
SHUTDOWN_DRAIN_SECONDS = read("SHUTDOWN_DRAIN_SECONDS", "float", 10.0)


#: The directory worker metrics go to (set by :func:`on_starting`) and whether this
#: server created it, so it removes it on exit.
_metrics_dir: dict[str, object] = {}


def on_starting(server) -> None:
    """In the master, before any worker exists: refuse a split part that would fetch its
    token keys from itself, then empty the metrics directory (prometheus_client requires
    it wiped between runs) and hand it to the workers."""
    problem = jwks_problem(os.environ, server.cfg.bind)
    if problem:
        server.log.error("refusing to start: %s", problem)
        raise SystemExit(problem)
    chosen = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = chosen or os.path.join(tempfile.gettempdir(), f"platform-metrics-{os.getpid()}")
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    _metrics_dir.update(path=path, created=not chosen)


def jwks_problem(environ, binds) -> str:
    """Why this web server's token verification cannot work, or "".

    A part that does not serve identity (``SERVICE=gateway``, ``learning``, ...) verifies
    tokens with keys fetched from ``AUTH_JWKS_URL``. Left unset, that is the local
    default ``http://127.0.0.1:8000/.well-known/jwks.json``: this very process, which
    answers that path with 404, so every authenticated request would fail. The same goes
    for a URL naming a loopback address on a port this server binds.
    """
    service = environ.get("SERVICE", "all")
    if service not in SERVICE_CHOICES or serves_admin(selected_parts(service)):
        return ""  # identity is served here (or settings will name the bad SERVICE)
    url = environ.get("AUTH_JWKS_URL", "").strip()
    hint = "set AUTH_JWKS_URL to identity's, e.g. http://identity:8000/.well-known/jwks.json"
    if not url:
        return f"SERVICE={service} does not serve identity and AUTH_JWKS_URL is unset; {hint}"
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"AUTH_JWKS_URL={url!r} is not a valid URL; {hint}"
    own_ports = {bind.rpartition(":")[2] for bind in binds}
    if parts.hostname in ("127.0.0.1", "localhost", "::1") and str(port) in own_ports:
        return f"AUTH_JWKS_URL={url!r} points at this SERVICE={service} process; {hint}"
    return ""


def child_exit(server, worker) -> None:
    """A worker's live gauges (``livemax``/``liveall``) stop counting once it is gone."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, _metrics_dir["path"])


def on_exit(server) -> None:
    if _metrics_dir.get("created"):
        shutil.rmtree(_metrics_dir["path"], ignore_errors=True)


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
