"""The reference legacy service's SQLite database: schema, seed data, queries.

One connection per call (SQLite opens fast and the service is a stand-in), so the
threaded server never shares a connection between threads.
"""

# ruff: noqa: S608 - table and column names come from TABLES and the code, never from input.

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Paris")
#: The legacy system writes local wall-clock time, day first.
DATE_FORMAT = "%d.%m.%Y %H:%M"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_no INTEGER PRIMARY KEY, login TEXT UNIQUE NOT NULL, full_name TEXT NOT NULL,
    mail TEXT NOT NULL, bio TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '',
    joined TEXT NOT NULL, changed TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS spaces (
    space_no INTEGER PRIMARY KEY, owner_no INTEGER NOT NULL, title TEXT NOT NULL,
    descr TEXT NOT NULL, online TEXT NOT NULL, address TEXT NOT NULL, seats INTEGER NOT NULL,
    state TEXT NOT NULL, changed TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bookings (
    booking_no INTEGER PRIMARY KEY, space_no INTEGER NOT NULL, user_no INTEGER NOT NULL,
    starts TEXT NOT NULL, ends TEXT NOT NULL, changed TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS proposals (
    proposal_no INTEGER PRIMARY KEY, author_no INTEGER NOT NULL, subject TEXT NOT NULL,
    text TEXT NOT NULL, status TEXT NOT NULL, closes TEXT NOT NULL, changed TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS votes (
    vote_no INTEGER PRIMARY KEY, proposal_no INTEGER NOT NULL, user_no INTEGER NOT NULL,
    choice TEXT NOT NULL, changed TEXT NOT NULL, UNIQUE (proposal_no, user_no));
CREATE TABLE IF NOT EXISTS ratings (
    rating_no INTEGER PRIMARY KEY, from_user INTEGER NOT NULL, to_user INTEGER NOT NULL,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 10), remark TEXT NOT NULL DEFAULT '',
    changed TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS activity (
    act_no INTEGER PRIMARY KEY, user_no INTEGER NOT NULL, course_code TEXT NOT NULL,
    course_title TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('STARTED', 'COMPLETED', 'PASSED', 'FAILED')),
    score_pct INTEGER, "when" TEXT NOT NULL, changed TEXT NOT NULL);
"""
#: Learning activity: one row per course event. ``score_pct`` has no range check in the
#: database (older rows hold values the API refuses today: the sync must cope); ``when``
#: is an SQL keyword, hence quoted column names on insert.

#: The tables the API exposes, their key column, in the order a list is returned.
TABLES = {
    "users": "user_no",
    "spaces": "space_no",
    "bookings": "booking_no",
    "proposals": "proposal_no",
    "votes": "vote_no",
    "ratings": "rating_no",
    "activity": "act_no",
}


def local_now() -> str:
    return datetime.now(LOCAL_TZ).strftime(DATE_FORMAT)


def local(dt: datetime) -> str:
    return dt.astimezone(LOCAL_TZ).strftime(DATE_FORMAT)


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as db:
            existing = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            db.executescript(SCHEMA)
            if not db.execute("SELECT 1 FROM users LIMIT 1").fetchone():
                _seed(db)
            elif "activity" not in existing:  # a database from before activity existed
                _seed_activity(db)

    @contextmanager
    def connect(self):
        db = sqlite3.connect(self.path, timeout=5)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    def list(
        self, table: str, *, where: dict | None = None, after: int = 0, limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[dict]]:  # fmt: skip
        """Rows in number order after number ``after``; the total counts them all."""
        key = TABLES[table]
        where = where or {}
        clauses = " AND ".join([f"{key} > ?", *(f"{column} = ?" for column in where)])
        params = (after, *where.values())
        with self.connect() as db:
            total = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {clauses}", params).fetchone()[
                0
            ]
            rows = db.execute(
                f"SELECT * FROM {table} WHERE {clauses} ORDER BY {key} LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            return total, [dict(row) for row in rows]

    def get(self, table: str, number: int) -> dict | None:
        with self.connect() as db:
            row = db.execute(
                f"SELECT * FROM {table} WHERE {TABLES[table]} = ?", (number,)
            ).fetchone()
            return dict(row) if row else None

    def insert(self, table: str, values: dict) -> dict:
        values = {**values, "changed": local_now()}
        columns = ", ".join(f'"{column}"' for column in values)
        marks = ", ".join("?" for _ in values)
        with self.connect() as db:
            cursor = db.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
            )
            number = cursor.lastrowid
        return self.get(table, number)

    def update(self, table: str, number: int, values: dict) -> dict | None:
        sets = ", ".join(f"{column} = ?" for column in values)
        with self.connect() as db:
            db.execute(
                f"UPDATE {table} SET {sets}, changed = ? WHERE {TABLES[table]} = ?",
                (*values.values(), local_now(), number),
            )
        return self.get(table, number)


def _seed(db: sqlite3.Connection) -> None:
    """A small, fixed community: enough to route, shadow and backfill."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    users = [
        ("ada", "Ada Lovelace", "Analyst of engines", "London"),
        ("grace", "Grace Hopper", "Compiler pioneer", "New York"),
        ("alan", "Alan Turing", "Computes things", "Manchester"),
        ("edsger", "Edsger Dijkstra", "Structured programmer", "Eindhoven"),
        ("barbara", "Barbara Liskov", "Substitutes types", "Boston"),
    ]
    for n, (login, name, bio, city) in enumerate(users, start=1):
        joined = local(start + timedelta(days=n))
        db.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (n, login, name, f"{login}@legacy.example", bio, city, joined, joined),
        )
    spaces = [
        (1, "Quiet reading room", "A calm room for study groups.", "N", "12 Library Lane", 12),
        (2, "Online pairing lounge", "Video room for pair programming.", "Y", "", 6),
        (3, "Maker garage", "Tools, benches and a 3D printer.", "N", "3 Forge Street", 8),
    ]
    for n, (owner, title, descr, online, address, seats) in enumerate(spaces, start=1):
        db.execute(
            "INSERT INTO spaces VALUES (?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?)",
            (n, owner, title, descr, online, address, seats, local(start)),
        )
    db.execute(
        "INSERT INTO bookings VALUES (1, 1, 2, ?, ?, ?)",
        (
            local(start + timedelta(days=30)),
            local(start + timedelta(days=30, hours=2)),
            local(start),
        ),
    )
    db.execute(
        "INSERT INTO proposals VALUES (1, 1, 'Open the garage on Sundays', "
        "'Members ask for weekend access.', 'OPEN', ?, ?)",
        (local(start + timedelta(days=60)), local(start)),
    )
    db.execute("INSERT INTO votes VALUES (1, 1, 2, 'YES', ?)", (local(start),))
    for n, (rater, ratee, stars) in enumerate([(1, 2, 9), (2, 3, 7), (3, 1, 10)], start=1):
        db.execute(
            "INSERT INTO ratings VALUES (?, ?, ?, ?, 'Helpful', ?)",
            (n, rater, ratee, stars, local(start)),
        )
    _seed_activity(db)


def _seed_activity(db: sqlite3.Connection) -> None:
    """Course activity of the seeded users: attempts, completions, a failed exam."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    rows = [
        (1, "PY101", "Python for analysts", "STARTED", None, timedelta(days=10)),
        (1, "PY101", "Python for analysts", "COMPLETED", None, timedelta(days=20)),
        (1, "PY101", "Python for analysts", "PASSED", 92, timedelta(days=20, hours=1)),
        (2, "COBOL1", "COBOL for managers", "FAILED", 45, timedelta(days=12)),
        (2, "COBOL1", "COBOL for managers", "PASSED", 81, timedelta(days=25)),
        (3, "CRYPTO", "Codebreaking 101", "PASSED", 88, timedelta(days=15)),
        (4, "ALGO", "Shortest paths", "STARTED", None, timedelta(days=18)),
    ]
    for n, (user, code, title, state, score, after) in enumerate(rows, start=1):
        when = local(start + after)
        db.execute(
            "INSERT INTO activity VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (n, user, code, title, state, score, when, when),
        )
