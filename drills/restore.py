"""The restore drill: lose a domain's database, then Redis, and come back consistent.

For each domain named (default: passport and governance, the two whose read models
are built from other domains' events and which keep event-sourced state of their own):

1. back up every domain database as production would here (``pg_dump -Fc`` each; the
   managed service's point-in-time restore in production, docs/runbooks);
2. keep the platform busy after the backup (members, statements, ratings, bookings,
   votes through the API) — what a real loss would lose;
3. drop the domain's database (the loss), restore it from the dump, and follow the
   runbook: ``eventbus_rewind`` its consumer groups to the backup's time, start the
   workers (the relay re-sends what the restore rewound in its outbox and event
   stores; the inboxes absorb the repeats), catch up the read models;
4. wait until nothing is in flight, then compare every cross-domain view with its
   source and verify the governance register. Any difference fails the drill.

Then Redis: the consumers fall behind (SIGSTOP), more events are published (in Redis
only), and Redis is restarted empty while every process keeps running. No operator step
follows: the relay must notice the loss and queue the retained events again, the
consumers (resumed) must re-create their groups, and the same checks must pass.

RPO is reported as what the restored database no longer has (events, rows, and the
seconds of writes between backup and loss); RTO as the time from the loss to the first
consistent state. ``--naive`` first restores without the rewind and records what the
checks catch, then applies the runbook's rewind to the same damage.

Run: ``python -m drills.restore [--domains passport,governance] [--members 12]``
(``make restore-drill``). Exit status 1 when anything is left inconsistent.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from drills.dataset import (
    MENTOR,
    PASSWORD,
    Client,
    Load,
    credential_round,
    load_round,
    vote_round,
)
from drills.platform import (
    ALIASES,
    REPO,
    SERVER,
    Platform,
    RedisServer,
    admin_sql,
    database_name,
    server_parts,
    wait_for,
)

_STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:7.1f}s] {message}", flush=True)


QUIET_TIMEOUT = float(os.environ.get("DRILL_QUIET_TIMEOUT", "600"))
#: Redis's clock and the database's may differ: rewind a little before the backup.
REWIND_MARGIN = timedelta(seconds=5)


def _pg(tool: str, *args: str, timeout: float = 900) -> None:
    host_name, port, user = server_parts()
    env = {**os.environ, "PGPASSWORD": os.environ.get("PGPASSWORD", "")}
    done = subprocess.run(
        [tool, "-h", host_name, "-p", port, "-U", user, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{tool} {' '.join(args)} failed: {done.stderr.strip()}")


class Drill:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.workdir = options.workdir
        self.backups = self.workdir / "backups"
        self.redis = RedisServer(self.workdir / "redis")
        self.platform: Platform | None = None
        self.client: Client | None = None
        self.everyone: list[dict] = []
        self.loaded = Load()
        self.rounds = 0
        self.secrets: dict[str, str] = {}

    # --- set-up ----------------------------------------------------------------------
    def set_up(self) -> None:
        import shutil

        shutil.rmtree(self.workdir, ignore_errors=True)
        self.backups.mkdir(parents=True)
        self.redis.start()
        names = [database_name(a) for a in ALIASES]
        admin_sql(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names))
        admin_sql(*(f'CREATE DATABASE "{n}"' for n in names))
        self.platform = Platform(self.workdir, self.redis, groups=[])
        # The drill reads every database itself, without a pool (databases get dropped).
        os.environ.update({**self.platform.env, "DATABASE_POOL": "false"})
        import django

        django.setup()
        from django.conf import settings

        from eventing.handlers import REGISTRY

        self.platform.groups = REGISTRY.groups()
        say("migrating the drill's databases and loading the demo")
        self.platform.manage("migrate_all", "-v0")
        self.platform.manage("load_demo")
        created = self.platform.manage("lrs_client", "create", "drill")
        key = re.search(r"key:\s*(\S+)", created).group(1)
        secret = re.search(r"secret:\s*(\S+)", created).group(1)
        self.secrets = {"SECRET_KEY": self.platform.env["SECRET_KEY"], "LRS client secret": secret,
                        "member password": PASSWORD, "mentor password": MENTOR[1]}  # fmt: skip
        self.platform.start()
        say(f"platform up on {self.platform.base_url} ({len(self.platform.processes)} processes)")
        self.client = Client(
            self.platform.base_url, f"{key}:{secret}", f"{settings.LRS_AUTHORITY_HOMEPAGE}/members"
        )

    def leaked_secrets(self) -> dict[str, list[str]]:
        """Secrets the drill knows (keys, passwords, every access token it was given)
        found in any process's log; must be empty."""
        known = dict(self.secrets)
        known.update({f"access token {i}": m["token"] for i, m in enumerate(self.everyone)})
        leaks = self.platform.secrets_in_logs(known) if self.platform else {}
        return {
            ("access token" if k.startswith("access token") else k): v for k, v in leaks.items()
        }

    def tear_down(self) -> None:
        from eventing.eventstore import close_applications

        if self.platform:
            self.platform.stop()
        self.redis.stop()
        close_applications()
        from django.db import connections

        connections.close_all()
        if not self.options.keep:
            admin_sql(
                *(f'DROP DATABASE IF EXISTS "{database_name(a)}" WITH (FORCE)' for a in ALIASES)
            )

    # --- load and rest ----------------------------------------------------------------
    def busy(self) -> None:
        """One round of API load, then votes once governance knows the new members."""
        self.rounds += 1
        say(f"load round {self.rounds}: {self.options.members} members through the API")
        done = load_round(
            self.client, tag=f"r{self.rounds}", members=self.options.members, previous=self.everyone
        )
        self.quiet()
        say(f"round {self.rounds} at rest; voting and issuing credentials")
        vote_round(self.client, done.members, done)
        credential_round(self.client, done.members, done)
        self.everyone += done.members
        self.loaded.add(done)
        self.quiet()

    def quiet(self) -> None:
        """Wait until nothing is in flight; a worker that died fails the drill."""
        from drills.state import backlog

        def at_rest():
            dead = self.platform.dead()
            if dead:
                tails = "\n".join(f"--- {n}\n{self.platform.log_tail(n)}" for n in dead)
                raise SystemExit(f"drill: worker(s) {dead} exited on their own:\n{tails}")
            return not backlog()

        wait_for(
            _closing(at_rest), timeout=QUIET_TIMEOUT, what="the platform at rest", interval=0.5
        )

    # --- one database lost --------------------------------------------------------------
    def database_loss(self, domain: str) -> dict:
        from drills.state import footprint, inconsistencies
        from eventing.eventstore import close_applications

        say(f"== {domain}: back up every database, keep working, then lose {domain}")
        backup_at = datetime.now(UTC)
        started = time.monotonic()
        for alias in ALIASES:
            _pg("pg_dump", "-Fc", "-f", str(self.backups / f"{alias}.dump"), database_name(alias))
        backup_seconds = time.monotonic() - started
        say(f"backups taken in {backup_seconds:.1f}s")
        self.busy()
        before = _events(domain), footprint(domain)
        lost_at = datetime.now(UTC)

        # The loss. Every process that writes there goes down with it (in a split
        # deployment: the domain's Deployments scaled to 0, docs/runbooks).
        loss = time.monotonic()
        self.platform.stop()
        close_applications()
        _close_connections()
        admin_sql(f'DROP DATABASE "{database_name(domain)}" WITH (FORCE)')

        say(f"{domain}'s database dropped; restoring it")
        restore_started = time.monotonic()
        admin_sql(f'CREATE DATABASE "{database_name(domain)}"')
        _pg(
            "pg_restore",
            "--no-owner",
            "-d",
            database_name(domain),
            str(self.backups / f"{domain}.dump"),
        )
        restore_seconds = time.monotonic() - restore_started
        say(f"restored in {restore_seconds:.1f}s; recovering")

        rewind = ("eventbus_rewind", "--alias", domain, "--since",
                  (backup_at - REWIND_MARGIN).isoformat())  # fmt: skip
        steps, naive_problems = [], None
        if self.options.naive:
            # What a restore without the runbook leaves behind; then the runbook's step.
            self._restart_and_settle(domain, steps)
            naive_problems = inconsistencies()
            say(f"naive restore: {naive_problems or 'no inconsistency found'}")
            self.platform.stop()
        steps.append(self.platform.manage(*rewind))
        self._restart_and_settle(domain, steps)
        problems = inconsistencies()
        consistent = time.monotonic()
        after = _events(domain), footprint(domain)
        return {
            "scenario": f"database {domain} lost",
            "consistent": not problems,
            "problems": problems,
            "naive_restore_problems": naive_problems,
            "backup_seconds": round(backup_seconds, 2),
            "restore_seconds": round(restore_seconds, 2),
            "rto_seconds": round(consistent - loss, 2),
            "rpo": _lost(before, after, window=(lost_at - backup_at).total_seconds()),
            "runbook_output": [s.strip().splitlines()[-1] for s in steps if s.strip()],
        }

    def _restart_and_settle(self, domain: str, steps: list[str]) -> None:
        self.platform.start()
        if domain == "governance":
            steps.append(self.platform.manage("governance_register", "sync"))
        self.quiet()

    # --- Redis lost ----------------------------------------------------------------------
    def redis_loss(self) -> dict:
        from drills.state import inconsistencies

        say("== Redis: events published but not yet consumed, then Redis restarts empty;"
            " the platform recovers on its own")  # fmt: skip
        # The consumers fall behind (stopped, not gone): what the round publishes is in
        # Redis only when Redis loses it. They resume as they are, after the loss.
        behind = [p for n, p in self.platform.processes.items() if n.startswith("consumer-")]
        for process in behind:
            os.killpg(process.pid, signal.SIGSTOP)
        try:
            done = load_round(
                self.client, tag="redis", members=self.options.members, previous=self.everyone
            )
            self.everyone += done.members
            self.loaded.add(done)
            wait_for(
                _closing(_outboxes_published),
                timeout=QUIET_TIMEOUT,
                what="the relay to publish the round",
            )
            logs = {n: _size(self.platform.logs / f"{n}.log") for n in self.platform.processes}
            loss = time.monotonic()
            self.redis.stop()
            self.redis.start()  # same port, nothing kept
        finally:
            for process in behind:
                os.killpg(process.pid, signal.SIGCONT)
        from eventing.streams import _client

        _client.cache_clear()  # the drill's own client: its connection died with Redis
        # No operator step: the relay notices the loss and queues the retained events
        # again; the consumers re-create their groups; the inboxes drop the repeats.
        requeued = wait_for(
            lambda: _requeued(self.platform.logs / "relay.log", logs["relay"]),
            timeout=QUIET_TIMEOUT,
            what="the relay to notice the loss",
        )
        self.quiet()
        problems = inconsistencies()
        regrouped = sorted(
            name
            for name, offset in logs.items()
            if name.startswith("consumer-")
            and GROUP_LOST in _text(self.platform.logs / f"{name}.log", offset)
        )
        return {
            "scenario": "Redis lost (restarted without persistence)",
            "consistent": not problems,
            "problems": problems,
            "rto_seconds": round(time.monotonic() - loss, 2),
            "rpo": {"events": 0, "note": "everything since the loss's start was in the outboxes"},
            "operator_steps": [],
            "relay_requeued": requeued,
            "consumers_regrouped": regrouped,
        }


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _text(path: Path, offset: int) -> str:
    with path.open("rb") as file:
        file.seek(offset)
        return file.read().decode(errors="replace")


#: What eventing.recovery and eventing.consumer log when they meet a loss.
REQUEUED = re.compile(r"Redis lost entries of (\S+) .*?\): (\d+) retained entries queued")
GROUP_LOST = "was lost ("


def _requeued(log: Path, offset: int) -> dict[str, int]:
    """Stream -> events the relay queued again, from its log since ``offset``."""
    found: dict[str, int] = {}
    for stream, count in REQUEUED.findall(_text(log, offset)):
        found[stream] = found.get(stream, 0) + int(count)
    return found


def _closing(check):
    """``check`` with the drill's connections closed after each poll: a dropped
    database must not leave the drill holding a dead connection."""

    def run():
        try:
            return check()
        finally:
            _close_connections()

    return run


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


def _outboxes_published() -> bool:
    from common.databases import served_aliases
    from eventing.models import OutboxMessage

    return not any(
        OutboxMessage.objects.using(a).filter(published_at__isnull=True).exists()
        for a in served_aliases()
    )


def _events(alias: str) -> dict[str, int]:
    """Events ``alias`` holds: its outbox rows and each event store's notifications."""
    from eventing.models import OutboxMessage
    from eventing.relay import EventStoreSource
    from eventing.sources import relay_sources

    held = {"outbox": OutboxMessage.objects.using(alias).count()}
    for source in relay_sources():
        if isinstance(source, EventStoreSource) and source.alias == alias:
            held[source.application.name] = source.application.recorder.max_notification_id() or 0
    return held


def _lost(before, after, *, window: float) -> dict:
    (events_before, rows_before), (events_after, rows_after) = before, after
    events = {k: v - events_after.get(k, 0) for k, v in events_before.items()}
    rows = {t: n - rows_after.get(t, 0) for t, n in rows_before.items()}
    return {
        "events": sum(max(0, v) for v in events.values()),
        "events_by_source": {k: v for k, v in events.items() if v},
        "rows_by_table": {t: n for t, n in rows.items() if n > 0},
        "window_seconds": round(window, 1),
    }


def _print(result: dict) -> None:
    mark = "PASS" if result["consistent"] else "FAIL"
    print(f"{mark} {result['scenario']}: RTO {result['rto_seconds']} s, RPO {result['rpo']}")
    for problem in result["problems"]:
        print(f"     inconsistent: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--domains",
        default="passport,governance",
        help="Comma-separated domains whose database is lost, one after another.",
    )
    parser.add_argument("--members", type=int, default=12, help="New members per load round.")
    parser.add_argument(
        "--naive",
        action="store_true",
        help="First restore without the rewind (to see what the checks catch).",
    )
    parser.add_argument("--skip-redis", action="store_true", help="Leave out the Redis loss.")
    parser.add_argument("--keep", action="store_true", help="Keep the drill's databases.")
    parser.add_argument("--json", type=Path, help="Also write the report here.")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=REPO / "var" / "drill",
        help="Backups, logs and the drill's Redis (emptied first).",
    )
    options = parser.parse_args(argv)
    domains = [d for d in options.domains.split(",") if d]
    unknown = sorted(set(domains) - set(ALIASES) - {"default"})
    if unknown:
        parser.error(f"unknown domains {unknown}")

    drill = Drill(options)
    started = time.monotonic()
    results = []
    try:
        drill.set_up()
        drill.busy()
        from drills.state import inconsistencies

        baseline = inconsistencies()
        if baseline:
            raise SystemExit(f"drill: the views disagree before any fault: {baseline}")
        for domain in domains:
            results.append(drill.database_loss(domain))
            _print(results[-1])
        if not options.skip_redis:
            results.append(drill.redis_loss())
            _print(results[-1])
    finally:
        drill.tear_down()
    leaks = drill.leaked_secrets()
    report = {
        "machine": f"{host.node()}: {os.cpu_count()} cores, Python {host.python_version()}",
        "database_server": SERVER.rsplit("@", 1)[-1],
        "dataset": drill.loaded.summary(),
        "naive": options.naive,
        "results": results,
        "secrets_in_logs": leaks,
        "seconds": round(time.monotonic() - started, 1),
        "command": "python -m drills.restore "
        + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    print(json.dumps(report, indent=2))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2))
    return 0 if all(r["consistent"] for r in results) and not leaks else 1


if __name__ == "__main__":
    sys.exit(main())
