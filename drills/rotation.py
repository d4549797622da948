"""The rotation drill: database and Redis passwords change under load, nothing fails.

The platform reads ``DATABASE_URL_<ALIAS>`` and ``REDIS_URL`` once, at start-up (the
settings are read from the environment; nothing re-reads them), and Kubernetes gives
them to the pods from the ExternalSecret's Secret through ``envFrom``. So a new
credential reaches the processes only by a restart, and the procedure is: make a second
credential valid beside the first, write it into the secret store, roll every workload
(rolling update for the web and the consumers, stop-then-start for the singletons, as
deploy/k8s/generate.py declares them), then revoke the first. This drill does exactly
that, on real parts:

- a private PostgreSQL server with password authentication (scram-sha-256), whose
  databases are set up by the project's own terraform/modules/ovh-postgres/sql files:
  the migrator owns them, the DML grants go to a group role, and two login roles,
  ``platform_app_blue`` and ``platform_app_green``, are members of it (PostgreSQL has
  one password per role, so the overlap is two roles with the same rights);
- a private redis-server with ACL users: the ``platform`` user holds two passwords
  during the overlap (``ACL SETUSER platform >new``, later ``<old``), the ``default``
  user is off;
- the platform's processes (two gunicorn "pods" behind a client-side endpoint list,
  as a Service would route, the relay, the consumers, the projection runner), started
  with the environment a mounted Secret would give them.

A load of real requests (xAPI statements that travel learning → outbox → relay → Redis
→ passport's consumer, and authenticated reads) runs throughout. The drill fails when
any request fails, when a process dies, when the old credentials still authenticate
after the revocation, or when the platform does not come to rest consistent (every
statement accepted is passport evidence: nothing lost).

Run: ``python -m drills.rotation`` (``make rotation-drill``); ``--json PATH`` writes
the report. Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from drills.dataset import LEARNING, PASSWORD, VERBS, Client
from drills.platform import ALIASES, REPO, RedisServer, free_port, process_settings, wait_for

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SQL = REPO / "terraform" / "modules" / "ovh-postgres" / "sql"
GROUPS = ("governance", "passport", "reputation")
_STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:7.1f}s] {message}", flush=True)


class PrivatePostgres:
    """initdb'd in a temporary directory, password authentication on TCP."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="rotation-postgres-"))
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)

    def _run(self, *command, **options) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *map(str, command)], capture_output=True,
                              text=True, **options)  # fmt: skip

    def start(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise SystemExit(f"drill: PostgreSQL server binaries not found in {PG_BIN}")
        pwfile = self.directory / "pw"
        pwfile.write_text(self.password + "\n")
        if self.as_user:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(PG_BIN / "initdb", "-D", self.directory / "data", "-U", "postgres",
                  "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
                  "--no-sync", check=True, timeout=180)  # fmt: skip
        pwfile.unlink()
        self._run(PG_BIN / "pg_ctl", "-D", self.directory / "data", "-w", "-t", "90",
                  "-l", self.directory / "server.log",
                  "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=200",
                  "start", check=True, timeout=120)  # fmt: skip

    def stop(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.directory / "data", "-m", "fast", "-w",
                  "stop", timeout=120)  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, user: str, password: str, database: str) -> str:
        return f"postgres://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres") -> str:
        return self.url("postgres", self.password, database)

    def sql(self, *statements: str, database: str = "postgres") -> list:
        import psycopg

        rows = []
        with psycopg.connect(self.admin(database), autocommit=True) as conn:
            for statement in statements:
                cursor = conn.execute(statement)
                rows = cursor.fetchall() if cursor.description else []
        return rows

    def psql_file(self, url: str, path: Path, variables: dict[str, str]) -> None:
        args = [a for k, v in variables.items() for a in ("-v", f"{k}={v}")]
        done = subprocess.run(
            ["psql", "-X", "-q", url, *args, "-f", str(path)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{path.name}: {done.stderr}")

    def can_log_in(self, user: str, password: str) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url(user, password, "identity"), connect_timeout=5).close()
        except psycopg.OperationalError:
            return False
        return True


@dataclass
class Credentials:
    """What the secret store holds for the platform (the Secret's values)."""

    db_user: str
    db_password: str
    redis_password: str


@dataclass
class Replica:
    name: str
    process: subprocess.Popen
    credentials: Credentials
    port: int | None = None


@dataclass
class LoadStats:
    ok: int = 0
    statements: int = 0
    failures: list[str] = field(default_factory=list)
    in_flight: dict[int, int] = field(default_factory=dict)


class Drill:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.workdir: Path = options.workdir
        self.logs = self.workdir / "logs"
        self.postgres = PrivatePostgres()
        self.redis = RedisServer(self.workdir / "redis")
        self.redis_admin_password = secrets.token_urlsafe(18)
        self.migrator_password = secrets.token_urlsafe(18)
        self.replicas: dict[str, Replica] = {}
        self.endpoints: list[int] = []
        self.lock = threading.Lock()
        self.stats = LoadStats()
        self.stop_load = threading.Event()
        self.retired: list[Replica] = []
        self.known_secrets: dict[str, str] = {}

    # --- the parts ----------------------------------------------------------------------
    def set_up(self) -> Credentials:
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.logs.mkdir(parents=True)
        self.postgres.start()
        blue = Credentials(
            "platform_app_blue", secrets.token_urlsafe(18), secrets.token_urlsafe(18)
        )
        self.known_secrets = {
            "postgres superuser password": self.postgres.password,
            "migrator password": self.migrator_password,
            "blue password": blue.db_password,
            "redis password 1": blue.redis_password,
            "redis admin password": self.redis_admin_password,
        }
        self.postgres.sql(
            f"CREATE ROLE platform_migrator LOGIN PASSWORD '{self.migrator_password}'",
            "CREATE ROLE platform_app NOLOGIN",
            f"CREATE ROLE platform_app_blue LOGIN PASSWORD '{blue.db_password}' "
            "IN ROLE platform_app",
            "CREATE ROLE platform_app_green NOLOGIN IN ROLE platform_app",
            *(f'CREATE DATABASE "{alias}"' for alias in ALIASES),
        )
        for alias in ALIASES:  # production's first-apply step 4, with the project's SQL
            variables = {"database": alias, "migrator": "platform_migrator", "app": "platform_app"}
            self.postgres.psql_file(self.postgres.admin(alias), SQL / "owner.sql", variables)
        self.redis.start()
        import redis

        default = redis.Redis.from_url(self.redis.url)
        default.execute_command("ACL", "SETUSER", "drill", "on", f">{self.redis_admin_password}",
                                "~*", "&*", "+@all")  # fmt: skip
        default.execute_command("ACL", "SETUSER", "platform", "on", f">{blue.redis_password}",
                                "~*", "&*", "+@all", "-@admin")  # fmt: skip
        default.execute_command("ACL", "SETUSER", "default", "off")
        say("migrating as the migrator, granting DML to the application roles")
        self.manage(self.migrator_env(), "migrate_all", "-v0")
        for alias in ALIASES:  # as the schema owner, so the default privileges are its own
            url = self.postgres.url("platform_migrator", self.migrator_password, alias)
            self.postgres.psql_file(url, SQL / "grants.sql", {"app": "platform_app"})
        self.manage(self.env(blue), "load_demo")
        created = self.manage(self.env(blue), "lrs_client", "create", "rotation")
        self.lrs = (created.split("key:")[1].split()[0], created.split("secret:")[1].split()[0])
        self.known_secrets["LRS client secret"] = self.lrs[1]
        return blue

    def redis_url(self, user: str, password: str) -> str:
        return f"redis://{user}:{password}@127.0.0.1:{self.redis.port}/0"

    def env(self, creds: Credentials) -> dict[str, str]:
        """A process's environment, as envFrom would give it from the Secret."""
        keep = {k: v for k, v in os.environ.items()
                if not k.startswith(("DATABASE_", "SERVICE", "REDIS_"))}  # fmt: skip
        urls = {
            f"DATABASE_URL_{alias.upper()}": self.postgres.url(
                creds.db_user, creds.db_password, alias
            )
            for alias in ALIASES
        }
        return {
            **keep,
            **urls,
            **process_settings(self.workdir),
            "DATABASE_SSLMODE": "disable",
            "REDIS_URL": self.redis_url("platform", creds.redis_password),
        }

    def migrator_env(self) -> dict[str, str]:
        env = self.env(Credentials("platform_migrator", self.migrator_password, ""))
        env["REDIS_URL"] = self.redis_url("drill", self.redis_admin_password)
        return env

    def manage(self, env: dict[str, str], *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}:\n{done.stdout}{done.stderr}")
        return done.stdout

    # --- processes ----------------------------------------------------------------------
    def spawn(self, name: str, creds: Credentials, generation: int) -> Replica:
        manage = [sys.executable, "manage.py"]
        port = None
        if name.startswith("web"):
            port = free_port()
            gunicorn = str(Path(sys.executable).parent / "gunicorn")
            command = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                       "--workers", "2", "--timeout", "120"]  # fmt: skip
        elif name == "relay":
            command = [*manage, "relay_events"]
        elif name == "projections":
            command = [*manage, "run_projections", "--loop", "--interval", "0.2"]
        else:
            group = name.removeprefix("consumer-")
            command = [*manage, "consume_events", "--group", group,
                       "--consumer", f"{name}-{generation}"]  # fmt: skip
        log = (self.logs / f"{name}-{generation}.log").open("ab")
        process = subprocess.Popen(command, cwd=REPO, env=self.env(creds), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        replica = Replica(f"{name}-{generation}", process, creds, port)
        if port:
            import urllib3

            http = urllib3.PoolManager(timeout=2.0, retries=False)
            wait_for(lambda: http.request("GET", f"http://127.0.0.1:{port}/ready").status == 200,
                     timeout=180, what=f"{replica.name} ready")  # fmt: skip
        return replica

    def terminate(self, replica: Replica, grace: float = 60) -> None:
        """SIGTERM and the grace period, as the kubelet stops a pod."""
        if replica.process.poll() is None:
            os.killpg(replica.process.pid, signal.SIGTERM)
        try:
            replica.process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(replica.process.pid, signal.SIGKILL)
            replica.process.wait(30)
            self.stats.failures.append(f"{replica.name} ignored SIGTERM for {grace:.0f} s")
        self.retired.append(replica)

    def start_all(self, creds: Credentials) -> None:
        for name in ("web-a", "web-b", "relay", "projections", *(f"consumer-{g}" for g in GROUPS)):
            self.replicas[name] = self.spawn(name, creds, 1)
        self.endpoints = [self.replicas["web-a"].port, self.replicas["web-b"].port]

    def dead(self) -> list[str]:
        return [r.name for r in self.replicas.values() if r.process.poll() is not None]

    def roll(self, creds: Credentials, generation: int) -> None:
        """A rollout restart of every Deployment: web and consumers surge one new pod,
        wait for it to be ready, then retire an old one; the relay and the projection
        runner are singletons (Recreate): stopped, then started."""
        for name in ("web-a", "web-b"):
            old = self.replicas[name]
            new = self.spawn(name, creds, generation)
            with self.lock:
                self.endpoints.append(new.port)
                self.endpoints.remove(old.port)  # the Service stops routing to it
            wait_for(lambda port=old.port: self.stats.in_flight.get(port, 0) == 0, timeout=120,
                     what=f"{old.name}'s requests in flight")  # fmt: skip
            self.terminate(old)
            self.replicas[name] = new
            say(f"  {name}: {old.name} replaced by {new.name}")
        for group in GROUPS:
            name = f"consumer-{group}"
            old, self.replicas[name] = self.replicas[name], self.spawn(name, creds, generation)
            self.terminate(old)
        for name in ("relay", "projections"):
            self.terminate(self.replicas[name])
            self.replicas[name] = self.spawn(name, creds, generation)
        say(f"  rolled: every process runs with {creds.db_user}")

    # --- load ---------------------------------------------------------------------------
    def member(self, client: Client) -> dict:
        email = f"rotation-{uuid.uuid4().hex[:8]}@example.com"
        status, data = client.call("POST", "/api/v1/identity/auth/register",
                                   body={"email": email, "password": PASSWORD,
                                         "display_name": "Rotation"})  # fmt: skip
        if status != 201:
            raise RuntimeError(f"register: {status} {data}")
        status, tokens = client.call("POST", "/api/v1/identity/auth/login",
                                     body={"email": email, "password": PASSWORD})  # fmt: skip
        if status != 200:
            raise RuntimeError(f"login: {status} {tokens}")
        return {"id": data["id"], "token": tokens["access_token"]}

    def load(self, index: int, home_page: str) -> None:
        count = 0
        member = None
        while not self.stop_load.is_set():
            with self.lock:
                port = self.endpoints[(index + count) % len(self.endpoints)]
                self.stats.in_flight[port] = self.stats.in_flight.get(port, 0) + 1
            count += 1
            client = Client(f"http://127.0.0.1:{port}", ":".join(self.lrs), home_page)
            what = "register"
            try:
                if member is None:
                    member = self.member(client)
                    self.known_secrets[f"token {index}"] = member["token"]
                    continue
                verb, activity, _ = LEARNING[count % len(LEARNING)]
                statement = {
                    "id": str(uuid.uuid4()),
                    "actor": {"objectType": "Agent",
                              "account": {"homePage": home_page, "name": member["id"]}},
                    "verb": {"id": VERBS + verb, "display": {"en-US": verb}},
                    "object": {"objectType": "Activity", "id": activity},
                }  # fmt: skip
                what = "statement"
                status, _ = client.call("POST", "/xapi/statements", body=statement,
                                        headers={"Authorization": client.lrs_auth,
                                                 "X-Experience-API-Version": "1.0.3"})  # fmt: skip
                if status != 200:
                    raise RuntimeError(f"status {status}")
                with self.lock:
                    self.stats.statements += 1
                what = "me"
                status, _ = client.call("GET", "/api/v1/identity/me", token=member["token"])
                if status != 200:
                    raise RuntimeError(f"status {status}")
                with self.lock:
                    self.stats.ok += 2
            except Exception as exc:  # noqa: BLE001 — every failure is counted and reported
                with self.lock:
                    self.stats.failures.append(f"{what} on :{port}: {exc!r}"[:300])
            finally:
                with self.lock:
                    self.stats.in_flight[port] -= 1

    # --- the observer (an auditor's view, as the superuser and the drill's Redis user) --
    def observe(self) -> None:
        env = self.migrator_env()
        env["DATABASE_POOL"] = "false"
        os.environ.update(env)
        import django

        django.setup()

    def at_rest(self) -> bool:
        from django.db import connections

        from drills.state import backlog

        dead = self.dead()
        if dead:
            raise SystemExit(f"drill: {dead} exited on their own")
        try:
            return not backlog()
        finally:
            connections.close_all()

    def sessions(self, user: str) -> int:
        rows = self.postgres.sql(f"SELECT count(*) FROM pg_stat_activity WHERE usename = '{user}'")
        return rows[0][0]

    def redis_admin(self):
        import redis

        return redis.Redis.from_url(self.redis_url("drill", self.redis_admin_password))

    def redis_accepts(self, password: str) -> bool:
        import redis

        try:
            redis.Redis.from_url(self.redis_url("platform", password)).ping()
        except redis.AuthenticationError:
            return False
        return True

    # --- the rotation ---------------------------------------------------------------------
    def rotate(self, old: Credentials) -> tuple[Credentials, dict]:
        timings = {}
        new_user = "platform_app_green" if old.db_user.endswith("blue") else "platform_app_blue"
        new = Credentials(new_user, secrets.token_urlsafe(18), secrets.token_urlsafe(18))
        self.known_secrets.update({"new database password": new.db_password,
                                   "new redis password": new.redis_password})  # fmt: skip
        began = time.monotonic()
        say(f"1. second credential: {new_user} may log in; Redis user platform gets a 2nd password")
        self.postgres.sql(f"ALTER ROLE {new_user} LOGIN PASSWORD '{new.db_password}'")
        self.redis_admin().execute_command("ACL", "SETUSER", "platform", f">{new.redis_password}")
        overlap = (
            self.postgres.can_log_in(old.db_user, old.db_password),
            self.postgres.can_log_in(new.db_user, new.db_password),
            self.redis_accepts(old.redis_password),
            self.redis_accepts(new.redis_password),
        )
        if not all(overlap):
            raise SystemExit(f"drill: both credentials must be valid during the overlap: {overlap}")
        say("2. the secret store holds the new URLs; the Secret changes; rollout restart")
        rolled = time.monotonic()
        self.roll(new, generation=2)
        timings["rollout_seconds"] = round(time.monotonic() - rolled, 1)
        say("3. nothing uses the old credential any more: revoke it")
        wait_for(lambda: self.sessions(old.db_user) == 0, timeout=60,
                 what=f"no session of {old.db_user}")  # fmt: skip
        since_rollout = time.monotonic() - rolled
        clients = [c for c in self.redis_admin().client_list() if c.get("user") == "platform"]
        new_sessions = self.sessions(new.db_user)
        self.postgres.sql(f"ALTER ROLE {old.db_user} NOLOGIN PASSWORD NULL")
        self.redis_admin().execute_command("ACL", "SETUSER", "platform", f"<{old.redis_password}")
        timings["rotation_seconds"] = round(time.monotonic() - began, 1)
        revoked = {
            "old database credential refused": not self.postgres.can_log_in(
                old.db_user, old.db_password
            ),
            "new database credential accepted": self.postgres.can_log_in(
                new.db_user, new.db_password
            ),
            "old redis password refused": not self.redis_accepts(old.redis_password),
            "new redis password accepted": self.redis_accepts(new.redis_password),
            # Every process runs with the new Secret: sessions of the new role, and no
            # Redis connection of the platform user older than the rollout.
            "new database user sessions": new_sessions,
            "platform redis connections": len(clients),
            "platform redis connections older than the rollout": sum(
                1 for c in clients if int(c["age"]) > since_rollout
            ),
        }
        return new, {**timings, "revocation": revoked}

    def run(self) -> dict:
        old = self.set_up()
        self.start_all(old)
        self.observe()
        from django.conf import settings

        home_page = f"{settings.LRS_AUTHORITY_HOMEPAGE}/members"
        threads = [threading.Thread(target=self.load, args=(i, home_page), daemon=True)
                   for i in range(self.options.clients)]  # fmt: skip
        for thread in threads:
            thread.start()
        wait_for(lambda: self.stats.statements >= 5 * self.options.clients, timeout=300,
                 what="load under way")  # fmt: skip
        say(f"load under way ({self.options.clients} clients); rotating")
        new, rotation = self.rotate(old)
        after = self.stats.statements
        say("4. load keeps running on the new credentials only")
        wait_for(lambda: self.stats.statements >= after + 5 * self.options.clients,
                 timeout=300, what="load after the revocation")  # fmt: skip
        self.stop_load.set()
        for thread in threads:
            thread.join(120)
        say("at rest? comparing passport's evidence with learning's statements")
        wait_for(self.at_rest, timeout=600, what="the platform at rest", interval=0.5)
        from drills.state import inconsistencies

        problems = inconsistencies()
        leaks = self.leaks()
        return {
            "requests_ok": self.stats.ok,
            "statements_accepted": self.stats.statements,
            "failures": self.stats.failures,
            "problems": problems,
            "secrets_in_logs": leaks,
            "rotated_to": new.db_user,
            **rotation,
        }

    def leaks(self) -> dict[str, list[str]]:
        """Every password, key and token the drill handled, and anything credential-shaped
        (detect-secrets), in any process's log: tools/secret_scan.py."""
        from tools.secret_scan import scan_files

        found: dict[str, list[str]] = {}
        for finding in scan_files(sorted(self.logs.glob("*.log")), known=self.known_secrets):
            found.setdefault(finding.kind, []).append(Path(finding.path).stem)
        return found

    def tear_down(self) -> None:
        for replica in self.replicas.values():
            if replica.process.poll() is None:
                os.killpg(replica.process.pid, signal.SIGTERM)
        for replica in self.replicas.values():
            try:
                replica.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(replica.process.pid, signal.SIGKILL)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 — Django may never have been set up
            pass
        self.redis.stop()
        self.postgres.stop()


def failed(report: dict) -> list[str]:
    reasons = [f"request failed: {f}" for f in report["failures"]]
    reasons += [f"inconsistent: {p}" for p in report["problems"]]
    reasons += [f"secret {k} in logs {v}" for k, v in report["secrets_in_logs"].items()]
    revocation = report["revocation"]
    reasons += [k for k, v in revocation.items() if v is False]
    if (
        revocation["new database user sessions"] == 0
        or revocation["platform redis connections"] == 0
    ):
        reasons.append("the processes do not run on the new credentials")
    if revocation["platform redis connections older than the rollout"]:
        reasons.append("a Redis connection from before the rollout survived it")
    if report["statements_accepted"] == 0:
        reasons.append("no load ran")
    return reasons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent API clients")
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "rotation-drill")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the report here")
    options = parser.parse_args(argv)
    drill = Drill(options)
    try:
        report = drill.run()
    finally:
        drill.tear_down()
    reasons = failed(report)
    report["failed"] = reasons
    if options.json:
        options.json.write_text(json.dumps(report, indent=2))
    summary = {k: v for k, v in report.items() if k != "failures"}
    print(json.dumps({**summary, "failures": len(report["failures"])}, indent=2))
    for reason in reasons[:20]:
        print(f"FAIL {reason}")
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main())
