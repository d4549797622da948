"""The smoke journey: one member's path through a running platform, from the outside.

Run against any deployment of the platform (the compose stack, the Kubernetes rehearsal)
through its public entry; standard library only, so it runs in the platform image or on
any host with Python 3.11::

    python scripts/smoke_journey.py --base-url http://platform:8000 \\
        --mail-url http://sink:8025 --lrs-credentials KEY:SECRET \\
        --metrics-urls http://platform:8000/metrics,http://relay:9100/metrics \\
        --otlp-receiver http://otel-collector:13133 \\
        --prometheus-url http://prometheus:9090 \\
        --alert-webhook-url 'http://sink:8025/webhooks?path=/slack' \\
        --expect-alert EventBusDeadLetters

Options:

``--base-url``          the public entry (required).
``--route PREFIX=URL``  send paths under PREFIX to URL instead (repeatable): for a stack
                        with no edge router, e.g. compose's split profile.
``--mail-url``          a mail sink with ``GET /messages?to=ADDRESS`` (JSON list of
                        ``{"body": ...}``): the verification e-mail is read there, the way
                        the stack delivers it (never from logs).
``--lrs-credentials``   ``KEY:SECRET`` of an LRS client (``manage.py lrs_client create``):
                        the LMS that posts xAPI statements (default: the environment's
                        ``SMOKE_LRS_CREDENTIALS``).
``--metrics-urls``      comma-separated ``/metrics`` URLs, one per process; the first is a
                        gunicorn web process whose per-worker totals must be summed.
``--metrics-token``     the scrape token (``METRICS_TOKEN``; default: the environment's
                        ``SMOKE_METRICS_TOKEN``): every scrape sends it, and a scrape
                        without it must be refused. Callers here hand both secrets
                        by environment: off ``ps``, and a value that begins with ``-``
                        is not taken for an option.
``--otlp-receiver``     base URL of an OTLP receiver's query side, ``GET /spans?trace_id=``
                        (JSON list of ``{"service": ...}``), e.g. the stand-in in
                        scripts/image/standins/sink.py listening on the Collector's port.
``--prometheus-url``    a Prometheus scraping the stack (its targets must be up).
``--alert-webhook-url`` where Alertmanager's notifications are recorded (JSON list).
``--expect-alert``      the alert name that must arrive there; the caller creates its
                        fault (compose_smoke.sh puts a poison entry on a stream).
``--skip "WHY"``        something this run cannot exercise, reported as skipped.
``--targets FILE``      a JSON description of a running stack's processes, e.g. the one
                        ``make run-split`` writes (``var/split/targets.json``): keys
                        ``base_url``, ``routes`` (prefix → URL), ``mail_url``,
                        ``lrs_credentials``, ``metrics_urls`` (list), ``metrics_token``,
                        ``skip`` (list);
                        options given on the command line win.
``--timeout``           seconds each waiting step may take (default 180).

The journey: register → verify e-mail → log in → the token checked by learning,
marketplace, governance and the gateway → an LMS posts an xAPI statement → the relay
and consumers move it → the member's passport shows the competency → a booking held
and confirmed → a proposal voted, closed and its register entry proven → a
legacy-contract route answered by the legacy side and one by the new side → every
``/metrics`` scraped, the web process's totals summed over its workers → the trace of a
request that crossed the bus received by the OTLP receiver → Prometheus scraping and an
alert delivered by Alertmanager. A step without what it needs prints ``skipped: <why>``;
nothing is reported as passed that was not done. Each step prints one line; the last
line is a JSON summary ``{"ok": ..., "passed": [...], "failed": [...], "skipped":
[...]}``. Exit status 0 only when no step failed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

VERBS = "http://adlnet.gov/expapi/verbs/"
#: An activity and verb the demo competency framework maps (passport demo: WEB-1, aware).
ACTIVITY = "https://learn.example.org/courses/django-basics"
LRS_HOMEPAGE = "https://learning-community.example/xapi"


def check(condition, message) -> None:
    """An assertion that survives ``python -O``: a failed check fails its step."""
    if not condition:
        raise AssertionError(message)


class Skip(Exception):
    """The step cannot run here; the message says why."""


class Response:
    def __init__(self, status: int, headers: dict, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body or b"null")


class Client:
    def __init__(self, base_url: str, routes: dict[str, str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.routes = sorted(routes.items(), key=lambda item: -len(item[0]))

    def url(self, path: str) -> str:
        for prefix, base in self.routes:
            if path.startswith(prefix):
                return base.rstrip("/") + path
        return self.base_url + path

    def request(self, method: str, url: str, body=None, headers=None, token=None) -> Response:
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if not url.startswith("http"):
            url = self.url(url)
        request = urllib.request.Request(  # noqa: S310 - http(s) URLs given on the command line
            url, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - given URLs
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def expect(self, status: int, method: str, url: str, **kwargs) -> Response:
        answer = self.request(method, url, **kwargs)
        if answer.status != status:
            raise AssertionError(
                f"{method} {url}: {answer.status}, expected {status}: {answer.body[:300]!r}"
            )
        return answer


def wait_for(what: str, probe, timeout: float, interval: float = 2.0):
    """Poll ``probe`` until it returns something true, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            found = probe()
            if found:
                return found
        except (OSError, AssertionError, ValueError, KeyError) as exc:
            last_error = exc
        time.sleep(interval)
    raise AssertionError(
        f"{what} not within {timeout:.0f} s" + (f" ({last_error})" if last_error else "")
    )


class Journey:
    def __init__(self, args) -> None:
        self.args = args
        self.client = Client(args.base_url, dict(args.route))
        self.results: dict[str, list] = {"passed": [], "failed": [], "skipped": []}
        self.state: dict = {}

    def step(self, name: str, function, needs: tuple[str, ...] = ()) -> None:
        missing = [n for n in needs if n not in self.state]
        started = time.monotonic()
        try:
            if missing:
                raise Skip(f"needs {', '.join(missing)} from an earlier step")
            detail = function() or ""
        except Skip as why:
            print(f"skipped: {name}: {why}", flush=True)
            self.results["skipped"].append({"step": name, "why": str(why)})
            return
        except Exception as exc:  # noqa: BLE001 - every failure is reported by step
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
            self.results["failed"].append({"step": name, "error": f"{type(exc).__name__}: {exc}"})
            return
        elapsed = time.monotonic() - started
        print(f"pass {name} ({elapsed:.1f} s){': ' + detail if detail else ''}", flush=True)
        self.results["passed"].append(
            {"step": name, "detail": detail, "seconds": round(elapsed, 1)}
        )

    # --- identity ----------------------------------------------------------------------
    def register(self) -> str:
        email = f"smoke-{secrets.token_hex(6)}@example.org"
        password = f"Smoke-{secrets.token_urlsafe(12)}-2026"
        self.client.expect(
            201, "POST", "/api/v1/identity/auth/register",
            body={"email": email, "password": password, "display_name": "Smoke Journey"},
        )  # fmt: skip
        self.state.update(email=email, password=password)
        return email

    def verify_email(self) -> str:
        if not self.args.mail_url:
            raise Skip("no --mail-url: no way to read the e-mail the stack sends")
        query = urllib.parse.urlencode({"to": self.state["email"]})
        url = f"{self.args.mail_url.rstrip('/')}/messages?{query}"

        def token():
            for message in self.client.request("GET", url).json() or []:
                for word in message["body"].split():
                    if "token=" in word:
                        return urllib.parse.unquote(word.split("token=", 1)[1])
            return None

        found = wait_for("the verification e-mail", token, self.args.timeout)
        self.client.expect(204, "POST", "/api/v1/identity/auth/verify-email", body={"token": found})
        self.state["verified"] = True
        return "token read from the mail sink"

    def login(self) -> str:
        answer = self.client.expect(
            200, "POST", "/api/v1/identity/auth/login",
            body={"email": self.state["email"], "password": self.state["password"]},
        ).json()  # fmt: skip
        self.state["token"] = answer["access_token"]
        me = self.client.expect(200, "GET", "/api/v1/identity/me", token=self.state["token"]).json()
        self.state["member_id"] = me["id"]
        return f"member {me['id']}"

    def token_checked_everywhere(self) -> str:
        token = self.state["token"]
        checked = []
        member = self.state["member_id"]
        for part, path in (
            ("learning", f"/api/v1/learning/members/{member}/timeline"),
            ("marketplace", "/api/v1/marketplace/bookings/mine"),
            ("governance", "/api/v1/governance/proposals/create"),
        ):
            method, body, accepted_status = ("GET", None, 200)
            if part == "governance":
                # An empty proposal: with a valid token the answer is 400 (validation),
                # without one or with a forged one 401.
                method, body, accepted_status = ("POST", {}, 400)
            forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
            for label, given, wanted in (("no token", None, 401), ("forged", forged, 401),
                                         ("valid", token, accepted_status)):  # fmt: skip
                answer = self.client.request(method, path, body=body, token=given)
                refused = f"{part} with {label} token: {answer.status}: {answer.body[:200]!r}"
                check(answer.status == wanted, refused)
            checked.append(part)
        # The gateway verifies tokens itself only to pick a canary cohort; on other routes
        # it forwards them to the side that serves the route, which checks them.
        gateway = self.client.request("GET", "/api/proposals", token=token)
        check(gateway.status == 200, ("gateway", gateway.status, gateway.body[:200]))
        checked.append("the gateway (forwarded to the new side)")
        return "accepted by " + ", ".join(checked) + "; refused without or with a forged token"

    # --- learning → bus → passport ------------------------------------------------------
    def xapi_statement(self) -> str:
        if not self.args.lrs_credentials:
            raise Skip("no --lrs-credentials: no LMS client to post statements with")
        check(not self._competencies(), "a brand-new member already shows competencies")
        trace_id = secrets.token_hex(16)
        statement_id = str(_uuid4())
        statement = {
            "id": statement_id,
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": f"{LRS_HOMEPAGE}/members", "name": self.state["member_id"]},
            },
            "verb": {"id": VERBS + "launched", "display": {"en-US": "launched"}},
            "object": {"objectType": "Activity", "id": ACTIVITY},
            "timestamp": datetime.now(UTC).isoformat(),
        }
        basic = base64.b64encode(self.args.lrs_credentials.encode()).decode()
        answer = self.client.request(
            "POST", "/xapi/statements", body=statement,
            headers={"Authorization": f"Basic {basic}", "X-Experience-API-Version": "1.0.3",
                     # A trace this journey chose, to find it at the receiver later.
                     "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
        )  # fmt: skip
        check(answer.status == 200, (answer.status, answer.body[:300]))
        self.state.update(statement_id=statement_id, trace_id=trace_id)
        return f"statement {statement_id}, trace {trace_id}"

    def _competencies(self) -> list[str]:
        path = f"/api/v1/passport/members/{self.state['member_id']}/passport"
        answer = self.client.expect(200, "GET", path, token=self.state["token"])
        return [c.get("code") for c in answer.json().get("competencies", [])]

    def passport_shows_competency(self) -> str:
        wait_for(
            "WEB-1 on the passport (relay, passport consumer, aggregation)",
            lambda: "WEB-1" in self._competencies(),
            self.args.timeout,
        )
        return "WEB-1 held, from the statement the relay and the passport consumer moved"

    # --- marketplace --------------------------------------------------------------------
    def booking(self) -> str:
        spaces = self.client.expect(200, "GET", "/api/v1/marketplace/spaces").json()
        items = (
            spaces.get("items", spaces.get("results", [])) if isinstance(spaces, dict) else spaces
        )
        if not items:
            raise Skip("no listed space to book (load the demo data or list one)")
        space = items[0]
        start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=0, second=0,
                                                               microsecond=0)  # fmt: skip
        last = None
        for offset in range(0, 10):
            starts = start + timedelta(days=offset)
            answer = self.client.request(
                "POST", "/api/v1/marketplace/bookings/hold", token=self.state["token"],
                body={"space_id": space["id"], "starts_at": starts.isoformat(),
                      "ends_at": (starts + timedelta(hours=1)).isoformat(), "attendees": 1},
            )  # fmt: skip
            if answer.status == 201:
                booking = answer.json()
                confirmed = self.client.expect(
                    200, "POST", f"/api/v1/marketplace/bookings/{booking['id']}/confirm",
                    token=self.state["token"], body={},
                ).json()  # fmt: skip
                check(confirmed["status"] == "confirmed", confirmed)
                return f"booking {booking['id']} held and confirmed"
            last = answer
        raise AssertionError(f"no hold accepted: {last.status} {last.body[:300]!r}")

    # --- governance ---------------------------------------------------------------------
    def proposal(self) -> str:
        token = self.state["token"]
        created = self.client.expect(
            201, "POST", "/api/v1/governance/proposals/create", token=token,
            body={"title": "Smoke journey proposal", "summary": "Checks a vote end to end.",
                  "method": "majority", "quorum": 1},
        ).json()  # fmt: skip
        proposal = created["id"]
        base = f"/api/v1/governance/proposals/{proposal}"
        self.client.expect(
            200, "POST", f"{base}/transition", token=token, body={"action": "discuss"}
        )
        # The voting floor of a local stack is 5 s; the margin covers a slow request.
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        self.client.expect(
            200, "POST", f"{base}/transition", token=token,
            body={"action": "vote", "deadline": deadline.isoformat()},
        )  # fmt: skip
        self.client.expect(200, "POST", f"{base}/vote", token=token, body={"choice": "yes"})
        time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 1)
        closed = self.client.expect(200, "POST", f"{base}/close", token=token, body={}).json()

        def entry():
            entries = self.client.expect(200, "GET", "/api/v1/governance/register/entries").json()
            items = (
                entries.get("items", entries.get("results", []))
                if isinstance(entries, dict)
                else entries
            )
            return next((e for e in items if e.get("proposal_id") == proposal), None)

        found = wait_for("the proposal's register entry", entry, self.args.timeout)
        proof = self.client.expect(
            200, "GET", f"/api/v1/governance/register/proofs/inclusion?index={found['index']}"
        ).json()
        root = _root_from_audit_path(
            bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"], proof["tree_size"],
            [bytes.fromhex(h) for h in proof["audit_path"]],
        )  # fmt: skip
        leaf = bytes.fromhex(proof["leaf_hash"])
        check(_leaf_hash(proof["entry"].encode()) == leaf, "the leaf hash is not the entry's")
        check(root.hex() == proof["tree_head"]["root_hash"], "the audit path misses the root")
        return (
            f"proposal {proposal} {closed.get('status')}, entry {found['index']} proven (RFC 9162)"
        )

    # --- the strangler gateway ----------------------------------------------------------
    def legacy_contract(self) -> str:
        token = self.state.get("token")
        legacy = self.client.request("GET", "/api/ratings", token=token)
        new = self.client.request("GET", "/api/proposals", token=token)
        served = (legacy.headers.get("X-Served-By"), new.headers.get("X-Served-By"))
        check(legacy.status == 200 and new.status == 200, (legacy.status, new.status))
        check(served == ("legacy", "new"), served)
        return "GET /api/ratings served by legacy, GET /api/proposals by the new side"

    # --- observability ------------------------------------------------------------------
    def metrics(self) -> str:
        urls = [u for u in (self.args.metrics_urls or "").split(",") if u]
        if not urls:
            raise Skip("no --metrics-urls")
        token = self.args.metrics_token
        check(bool(token), "no --metrics-token: /metrics answers only the scrape token")
        for url in urls:
            check(self.client.request("GET", url).status == 404, f"{url} answers without the token")
        web = urls[0]
        # OPTIONS /health (405), which no probe or scrape sends: only these are counted.
        before = _counter(self.client, web, "health", "OPTIONS", token)
        for _ in range(30):
            self.client.expect(405, "OPTIONS", web.rsplit("/metrics", 1)[0] + "/health")
        seen = [_counter(self.client, web, "health", "OPTIONS", token) - before for _ in range(6)]
        check(seen == [30.0] * 6, f"{web}: 30 requests counted {seen} across scrapes")
        for url in urls[1:]:
            text = self.client.expect(200, "GET", url, token=token).body.decode()
            check("platform_dependency_up" in text, f"{url} has no platform metrics")
        return (
            f"{len(urls)} processes scraped with the token (refused without it); the web "
            "process's 30 requests counted once each"
        )

    def trace(self) -> str:
        if not self.args.otlp_receiver:
            raise Skip("no --otlp-receiver")
        url = f"{self.args.otlp_receiver.rstrip('/')}/spans?trace_id={self.state['trace_id']}"

        def services():
            found = {span["service"] for span in self.client.request("GET", url).json() or []}
            return found if len(found) >= 2 else None

        found = wait_for(
            "spans of the xAPI request from two processes", services, self.args.timeout
        )
        return f"trace {self.state['trace_id']} from {', '.join(sorted(found))}"

    def alert(self) -> str:
        if not (
            self.args.prometheus_url and self.args.alert_webhook_url and self.args.expect_alert
        ):
            raise Skip("no --prometheus-url/--alert-webhook-url/--expect-alert")
        targets = self.client.expect(
            200, "GET", f"{self.args.prometheus_url}/api/v1/targets"
        ).json()
        up = [
            t["labels"].get("instance")
            for t in targets["data"]["activeTargets"]
            if t["health"] == "up"
        ]
        check(up, "Prometheus scrapes no target that is up")

        def delivered():
            for hook in self.client.request("GET", self.args.alert_webhook_url).json() or []:
                if self.args.expect_alert in json.dumps(hook["json"]):
                    return hook
            return None

        wait_for(f"{self.args.expect_alert} at the webhook", delivered, self.args.timeout)
        return f"Prometheus scraping {len(up)} targets up; {self.args.expect_alert} delivered"

    def run(self) -> int:
        for why in self.args.skip:
            print(f"skipped: {why}", flush=True)
            self.results["skipped"].append({"step": "not run here", "why": why})
        self.step("register", self.register)
        self.step("verify e-mail", self.verify_email, ("email",))
        self.step("log in", self.login, ("verified",))
        self.step("token checked by learning, marketplace, governance, gateway",
                  self.token_checked_everywhere, ("token",))  # fmt: skip
        self.step("LMS posts an xAPI statement", self.xapi_statement, ("member_id",))
        self.step("passport shows the competency", self.passport_shows_competency,
                  ("statement_id",))  # fmt: skip
        self.step("booking held and confirmed", self.booking, ("token",))
        self.step("proposal voted, register entry proven", self.proposal, ("token",))
        self.step("legacy-contract routes via the gateway", self.legacy_contract)
        self.step("/metrics from every process", self.metrics)
        self.step("trace across the bus at the OTLP receiver", self.trace, ("trace_id",))
        self.step("Prometheus alert delivered by Alertmanager", self.alert)
        summary = {"ok": not self.results["failed"], **self.results}
        print(json.dumps(summary), flush=True)
        return 0 if summary["ok"] else 1


def _counter(client: Client, url: str, route: str, method: str, token: str) -> float:
    """The sum of ``http_requests_total`` for one route and method, over every series
    (statuses; and the workers' samples, when the process sums them itself)."""
    total = 0.0
    for line in client.expect(200, "GET", url, token=token).body.decode().splitlines():
        if (
            line.startswith("http_requests_total{")
            and f'route="{route}"' in line
            and f'method="{method}"' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total


def _uuid4():
    import uuid

    return uuid.uuid4()


def _leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def _root_from_audit_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root an inclusion proof leads to."""
    fn, sn, node = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            raise AssertionError("audit path longer than the tree")
        if fn % 2 == 1 or fn == sn:
            node = hashlib.sha256(b"\x01" + sibling + node).digest()
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = hashlib.sha256(b"\x01" + node + sibling).digest()
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise AssertionError("audit path shorter than the tree")
    return node


def main(argv=None) -> int:
    return Journey(parse_args(argv)).run()


def parse_args(argv=None) -> argparse.Namespace:
    """The journey's options. A value that begins with ``-`` (a generated token can)
    must come as ``--option=value`` or by environment, never as a separate argument."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url")
    parser.add_argument(
        "--route", action="append", default=[], type=lambda v: tuple(v.split("=", 1))
    )
    parser.add_argument("--mail-url", default=os.environ.get("SMOKE_MAIL_URL", ""))
    parser.add_argument("--lrs-credentials", default=os.environ.get("SMOKE_LRS_CREDENTIALS", ""))
    parser.add_argument("--metrics-urls", default="")
    parser.add_argument("--metrics-token", default=os.environ.get("SMOKE_METRICS_TOKEN", ""))
    parser.add_argument("--otlp-receiver", default="")
    parser.add_argument("--prometheus-url", default="")
    parser.add_argument("--alert-webhook-url", default="")
    parser.add_argument("--expect-alert", default="")
    parser.add_argument("--skip", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--targets", default="")
    argv = list(sys.argv[1:] if argv is None else argv)
    # The file's values first, so the command line's win.
    if any(arg.split("=", 1)[0] == "--targets" for arg in argv):
        argv = _from_targets(parser.parse_known_args(argv)[0].targets) + argv
    args = parser.parse_args(argv)
    if not args.base_url:
        parser.error("--base-url (or --targets) is required")
    return args


def _from_targets(path: str) -> list[str]:
    """``--targets FILE`` as the options it stands for (see the module doc)."""
    with open(path) as file:
        found = json.load(file)
    argv = ["--base-url", found["base_url"]]
    argv += [f"--route={prefix}={url}" for prefix, url in found.get("routes", {}).items()]
    for key in ("mail_url", "lrs_credentials", "metrics_token"):
        if found.get(key):
            argv += [f"--{key.replace('_', '-')}={found[key]}"]  # a token may begin with '-'
    if found.get("metrics_urls"):
        argv += ["--metrics-urls", ",".join(found["metrics_urls"])]
    return argv + [f"--skip={why}" for why in found.get("skip", [])]


if __name__ == "__main__":
    sys.exit(main())
