"""The reference legacy service's WSGI application: legacy routes over ``Store``.

Routes (legacy shapes, numeric ids):
``GET /api/users``, ``GET /api/users/{n}``, ``GET /api/users/{n}/profile``,
``GET /api/spaces``, ``GET /api/spaces/{n}``, ``GET|POST /api/bookings``,
``GET /api/proposals``, ``GET /api/proposals/{n}``, ``POST /api/proposals/{n}/votes``,
``GET /api/votes``, ``GET|POST /api/ratings``, ``GET|POST /api/activity`` (course
activity: ``STARTED``, ``COMPLETED``, ``PASSED``, ``FAILED``, ``score_pct`` 0-100 or
null, ``when``; filter ``user_no``), ``GET /api/users/{n}/activity``. Lists take
``limit``, ``offset``, ``after`` (numbers above it, for resumable backfills) and
``changed_after`` (a local-time string, for the incremental sync); a bad one is a 400
in the legacy error format.

``/_control`` (GET shows, POST sets) makes the service slow (``delay_ms``) or failing
(``fail_status``) and counts requests, for resilience tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from http import HTTPStatus
from urllib.parse import parse_qs

from legacy_adapter.reference_service.store import DATE_FORMAT, Store, local_now

JSON = [("Content-Type", "application/json; charset=utf-8")]


class LegacyError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Behaviour:
    """What ``/_control`` set: a delay before answering, a status to fail with."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.delay_ms = 0
        self.fail_status: int | None = None
        self.requests = 0

    def as_dict(self) -> dict:
        return {
            "delay_ms": self.delay_ms,
            "fail_status": self.fail_status,
            "requests": self.requests,
        }


def _list(store: Store, table: str, query: dict, filters: tuple[str, ...] = ()) -> dict:
    try:
        limit = min(int(query.get("limit", 100)), 500)
        offset = int(query.get("offset", 0))
        after = int(query.get("after", 0))
    except ValueError as exc:
        raise LegacyError(400, "E400", "limit, offset and after are numbers") from exc
    where = {name: _number(query[name], name) for name in filters if name in query}
    if "changed_after" not in query:
        total, items = store.list(table, where=where, after=after, limit=limit, offset=offset)
        return {"total": total, "items": items}
    since = _sortable(_stamp(query["changed_after"], "changed_after"))
    _, rows = store.list(table, where=where, after=after, limit=1_000_000)
    changed = [r for r in rows if _sortable(r["changed"]) > since]
    return {"total": len(changed), "items": changed[offset : offset + limit]}


def _number(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise LegacyError(400, "E400", f"{name} is a number") from exc


def _stamp(value: object, name: str) -> str:
    """A local-time string as the legacy system writes them, or a 400."""
    try:
        datetime.strptime(value, DATE_FORMAT)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise LegacyError(400, "E400", f"{name} is a date like 28.11.2026 10:15") from exc
    return value  # type: ignore[return-value]


def _sortable(local: str) -> str:
    """``28.11.2026 10:15`` as ``2026-11-28 10:15`` (local strings only compare this way)."""
    day, clock = local.split(" ")
    d, m, y = day.split(".")
    return f"{y}-{m}-{d} {clock}"


def _one(store: Store, table: str, number: str) -> dict:
    row = store.get(table, int(number))
    if row is None:
        raise LegacyError(404, "E404", f"{table[:-1]} {number} not found")
    return row


def _require(body: dict, *names: str) -> None:
    missing = [n for n in names if n not in body]
    if missing:
        raise LegacyError(400, "E400", "missing: " + ", ".join(missing))


def _booking_create(store: Store, body: dict) -> dict:
    _require(body, "space_no", "user_no", "from", "to")
    _one(store, "spaces", body["space_no"])
    values = {"space_no": body["space_no"], "user_no": body["user_no"]}
    return store.insert("bookings", {**values, "starts": body["from"], "ends": body["to"]})


def _vote_cast(store: Store, number: str, body: dict) -> dict:
    _require(body, "user_no", "choice")
    if body["choice"] not in ("YES", "NO", "ABSTAIN"):
        raise LegacyError(400, "E400", "choice is YES, NO or ABSTAIN")
    _one(store, "proposals", number)
    try:
        values = {"proposal_no": int(number), "user_no": body["user_no"], "choice": body["choice"]}
        return store.insert("votes", values)
    except Exception as exc:  # sqlite3.IntegrityError: one member, one vote
        raise LegacyError(409, "E409", "already voted") from exc


def _rating_give(store: Store, body: dict) -> dict:
    _require(body, "from_user", "to_user", "stars")
    if not isinstance(body["stars"], int) or not 1 <= body["stars"] <= 10:
        raise LegacyError(400, "E400", "stars is 1 to 10")
    values = {k: body[k] for k in ("from_user", "to_user", "stars")}
    return store.insert("ratings", {**values, "remark": body.get("remark", "")})


ACTIVITY_STATES = ("STARTED", "COMPLETED", "PASSED", "FAILED")


def _activity_record(store: Store, body: dict) -> dict:
    _require(body, "user_no", "course_code", "course_title", "state")
    if body["state"] not in ACTIVITY_STATES:
        raise LegacyError(400, "E400", "state is " + ", ".join(ACTIVITY_STATES))
    score = body.get("score_pct")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100
    ):
        raise LegacyError(400, "E400", "score_pct is 0 to 100, or null")
    for name in ("course_code", "course_title"):
        if not isinstance(body[name], str) or not body[name].strip():
            raise LegacyError(400, "E400", f"{name} is a non-empty text")
    when = _stamp(body["when"], "when") if "when" in body else local_now()
    user = _one(store, "users", str(_number(str(body["user_no"]), "user_no")))
    values = {k: body[k] for k in ("course_code", "course_title", "state")}
    return store.insert(
        "activity", {"user_no": user["user_no"], **values, "score_pct": score, "when": when}
    )


def _user_activity(store: Store, number: str, query: dict) -> dict:
    _one(store, "users", number)
    return _list(store, "activity", {**query, "user_no": number}, ("user_no",))


def _profile(store: Store, number: str) -> dict:
    user = _one(store, "users", number)
    return {"user_no": user["user_no"], "bio": user["bio"], "city": user["city"]}


Handler = Callable[[Store, dict, dict, tuple[str, ...]], tuple[int, dict]]

ROUTES: list[tuple[str, re.Pattern, Handler]] = [
    ("GET", re.compile(r"/api/users"), lambda s, q, b, a: (200, _list(s, "users", q))),
    ("GET", re.compile(r"/api/users/(\d+)"), lambda s, q, b, a: (200, _one(s, "users", a[0]))),
    ("GET", re.compile(r"/api/users/(\d+)/profile"), lambda s, q, b, a: (200, _profile(s, a[0]))),
    ("GET", re.compile(r"/api/spaces"), lambda s, q, b, a: (200, _list(s, "spaces", q))),
    ("GET", re.compile(r"/api/spaces/(\d+)"), lambda s, q, b, a: (200, _one(s, "spaces", a[0]))),
    (
        "GET",
        re.compile(r"/api/bookings"),
        lambda s, q, b, a: (200, _list(s, "bookings", q, ("space_no",))),
    ),
    ("POST", re.compile(r"/api/bookings"), lambda s, q, b, a: (201, _booking_create(s, b))),
    ("GET", re.compile(r"/api/proposals"), lambda s, q, b, a: (200, _list(s, "proposals", q))),
    (
        "GET",
        re.compile(r"/api/proposals/(\d+)"),
        lambda s, q, b, a: (200, _one(s, "proposals", a[0])),
    ),
    (
        "GET",
        re.compile(r"/api/votes"),
        lambda s, q, b, a: (200, _list(s, "votes", q, ("proposal_no",))),
    ),
    (
        "POST",
        re.compile(r"/api/proposals/(\d+)/votes"),
        lambda s, q, b, a: (201, _vote_cast(s, a[0], b)),
    ),
    (
        "GET",
        re.compile(r"/api/ratings"),
        lambda s, q, b, a: (200, _list(s, "ratings", q, ("to_user",))),
    ),
    ("POST", re.compile(r"/api/ratings"), lambda s, q, b, a: (201, _rating_give(s, b))),
    (
        "GET",
        re.compile(r"/api/activity"),
        lambda s, q, b, a: (200, _list(s, "activity", q, ("user_no",))),
    ),
    ("POST", re.compile(r"/api/activity"), lambda s, q, b, a: (201, _activity_record(s, b))),
    (
        "GET",
        re.compile(r"/api/users/(\d+)/activity"),
        lambda s, q, b, a: (200, _user_activity(s, a[0], q)),
    ),
]


def _dispatch(store: Store, method: str, path: str, query: dict, body: dict) -> tuple[int, dict]:
    allowed = False
    for route_method, pattern, handler in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            allowed = True
            if route_method == method:
                return handler(store, query, body, match.groups())
    if allowed:
        raise LegacyError(405, "E405", f"{method} not allowed on {path}")
    raise LegacyError(404, "E404", f"no such resource: {path}")


def make_app(store: Store, behaviour: Behaviour | None = None):
    behaviour = behaviour or Behaviour()

    def app(environ: dict, start_response) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/_control":
            return _control(environ, start_response, behaviour)
        with behaviour.lock:
            behaviour.requests += 1
            delay, fail = behaviour.delay_ms, behaviour.fail_status
        if delay:
            time.sleep(delay / 1000)
        try:
            if fail:
                raise LegacyError(fail, f"E{fail}", "the legacy system is unavailable")
            body = _read_json(environ) if method in ("POST", "PUT", "PATCH") else {}
            status, payload = _dispatch(store, method, path, query, body)
        except LegacyError as exc:
            status, payload = exc.status, {"error": {"code": exc.code, "message": exc.message}}
        return _respond(start_response, status, payload)

    return app


def _read_json(environ: dict) -> dict:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    except ValueError as exc:
        raise LegacyError(400, "E400", "body is not JSON") from exc
    if not isinstance(body, dict):
        raise LegacyError(400, "E400", "body is a JSON object")
    return body


def _respond(start_response, status: int, payload: dict) -> list[bytes]:
    data = json.dumps(payload).encode()
    phrase = HTTPStatus(status).phrase
    start_response(f"{status} {phrase}", [*JSON, ("Content-Length", str(len(data)))])
    return [data]


def _control(environ: dict, start_response, behaviour: Behaviour) -> list[bytes]:
    if environ["REQUEST_METHOD"] == "POST":
        body = _read_json(environ)
        with behaviour.lock:
            behaviour.delay_ms = int(body.get("delay_ms", behaviour.delay_ms))
            behaviour.fail_status = body.get("fail_status", behaviour.fail_status)
            if body.get("reset_count"):
                behaviour.requests = 0
    return _respond(start_response, 200, behaviour.as_dict())
