"""A realistic load through the public API: members register and log in, a learning
tool records their learning over xAPI, they rate each other, book a space and vote.

Everything goes through HTTP as a client would; what the platform refuses (a slot
taken meanwhile, a vote on a closed proposal) is counted, not hidden. ``Load`` says
what was accepted, so the drill can tell a thin dataset from a lost one.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import urllib3

VERBS = "http://adlnet.gov/expapi/verbs/"
#: Activities passport's demo rules map to competencies (domains/passport/demo.py).
LEARNING = [
    ("launched", "https://learn.example.org/courses/django-basics", None),
    ("passed", "https://learn.example.org/courses/django-basics/quiz", 0.9),
    ("completed", "https://learn.example.org/courses/django-basics", None),
    ("experienced", "https://learn.example.org/courses/event-sourcing", None),
]
PASSWORD = "drill-password-2026-Aa!"
#: The demo's mentor (domains/identity/demo.py), who may issue credentials.
MENTOR = ("bruno@example.com", os.environ.get("DEMO_PASSWORD", "demo-password-2026"))


@dataclass
class Load:
    members: list[dict] = field(default_factory=list)
    statements: int = 0
    ratings: int = 0
    bookings: int = 0
    votes: int = 0
    credentials: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    def refuse(self, what: str) -> None:
        self.refused[what] = self.refused.get(what, 0) + 1

    def add(self, other: Load) -> None:
        self.members += other.members
        for name in ("statements", "ratings", "bookings", "votes", "credentials"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for what, count in other.refused.items():
            self.refused[what] = self.refused.get(what, 0) + count

    def summary(self) -> dict:
        return {
            "members": len(self.members),
            "statements": self.statements,
            "ratings": self.ratings,
            "bookings": self.bookings,
            "votes": self.votes,
            "credentials": self.credentials,
            "refused": dict(self.refused),
        }


class Client:
    def __init__(self, base_url: str, lrs_basic: str, member_home_page: str) -> None:
        self.base_url = base_url
        self.http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=60), retries=False)
        self.lrs_auth = "Basic " + base64.b64encode(lrs_basic.encode()).decode()
        self.member_home_page = member_home_page

    def call(self, method: str, path: str, *, body=None, token=None, headers=None):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = self.http.request(
            method,
            self.base_url + path,
            headers=sent,
            body=None if body is None else json.dumps(body),
        )
        data = json.loads(response.data) if response.data.strip() else None
        return response.status, data


def _results(data):
    return data.get("results", data) if isinstance(data, dict) else data or []


def load_round(client: Client, *, tag: str, members: int, previous: list[dict]) -> Load:
    """One round: ``members`` new members, their learning, ratings (of earlier members too)
    and bookings. Votes come after, once governance has heard of them (``vote_round``)."""
    done = Load()
    for index in range(members):
        email = f"drill-{tag}-{index}@example.com"
        status, data = client.call(
            "POST",
            "/api/v1/identity/auth/register",
            body={"email": email, "password": PASSWORD, "display_name": f"Drill {tag} {index}"},
        )
        if status != 201:
            done.refuse(f"register {status}")
            continue
        status, tokens = client.call(
            "POST", "/api/v1/identity/auth/login", body={"email": email, "password": PASSWORD}
        )
        if status != 200:
            done.refuse(f"login {status}")
            continue
        done.members.append({"id": data["id"], "token": tokens["access_token"]})
    _statements(client, done.members, done)
    everyone = previous + done.members
    _ratings(client, done.members, everyone, tag, done)
    _bookings(client, done.members, tag, done)
    return done


def _statements(client: Client, members: list[dict], done: Load) -> None:
    statements = []
    for member in members:
        actor = {
            "objectType": "Agent",
            "account": {"homePage": client.member_home_page, "name": member["id"]},
        }
        for verb, activity, score in LEARNING:
            statement = {
                "id": str(uuid.uuid4()),
                "actor": actor,
                "verb": {"id": VERBS + verb, "display": {"en-US": verb}},
                "object": {"objectType": "Activity", "id": activity},
            }
            if score is not None:
                statement["result"] = {"score": {"scaled": score}, "success": True}
            statements.append(statement)
    for start in range(0, len(statements), 50):
        batch = statements[start : start + 50]
        status, _ = client.call(
            "POST",
            "/xapi/statements",
            body=batch,
            headers={"Authorization": client.lrs_auth, "X-Experience-API-Version": "1.0.3"},
        )
        if status == 200:
            done.statements += len(batch)
        else:
            done.refuse(f"statements {status}")


def _ratings(client: Client, members: list[dict], everyone: list[dict], tag: str, done: Load):
    for index, member in enumerate(members):
        others = [m for m in everyone if m["id"] != member["id"]]
        if not others:
            continue
        ratee = others[(index * 7) % len(others)]
        status, _ = client.call(
            "POST",
            "/api/v1/reputation/ratings",
            token=member["token"],
            body={
                "ratee_id": ratee["id"],
                "context_type": "workshop",
                "context_id": f"drill-{tag}-{index}",
                "score": 4 + index % 2,
            },
        )
        if status == 201:
            done.ratings += 1
        else:
            done.refuse(f"rating {status}")


def _bookings(client: Client, members: list[dict], tag: str, done: Load) -> None:
    status, spaces = client.call("GET", "/api/v1/marketplace/spaces")
    listed = _results(spaces) if status == 200 else []
    if not listed:
        done.refuse("no listed space")
        return
    start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(days=12)
    for member in members:
        booked = False
        for space in listed:
            status, slots = client.call(
                "GET",
                f"/api/v1/marketplace/spaces/{space['id']}/"
                f"availability?start={_q(start)}&end={_q(end)}"
                "&duration_minutes=60",
            )
            for slot in (_results(slots) if status == 200 else [])[:3]:
                status, booking = client.call(
                    "POST",
                    "/api/v1/marketplace/bookings/hold",
                    token=member["token"],
                    body={
                        "space_id": space["id"],
                        "starts_at": slot["starts_at"],
                        "ends_at": slot["ends_at"],
                        "attendees": 1,
                    },
                )
                if status != 201:
                    continue
                status, _ = client.call(
                    "POST",
                    f"/api/v1/marketplace/bookings/{booking['id']}/confirm",
                    token=member["token"],
                    body={},
                )
                booked = status in (200, 201)
                break
            if booked:
                break
        if booked:
            done.bookings += 1
        else:
            done.refuse("booking")


def vote_round(client: Client, members: list[dict], done: Load) -> None:
    """Each member votes on every proposal open for votes (once governance knows them)."""
    status, data = client.call(
        "GET",
        "/api/v1/governance/proposals?status=voting",
        token=members[0]["token"] if members else None,
    )
    proposals = _results(data) if status == 200 else []
    for member in members:
        for proposal in proposals:
            voted = False
            for choice in ("yes", "consent"):
                status, _ = client.call(
                    "POST",
                    f"/api/v1/governance/proposals/{proposal['id']}/vote",
                    token=member["token"],
                    body={"choice": choice},
                )
                if status in (200, 201):
                    done.votes += 1
                    voted = True
                    break
            if not voted:
                done.refuse(f"vote {status}")


def credential_round(client: Client, members: list[dict], done: Load) -> None:
    """The mentor issues each member a passport credential (once their learning arrived)."""
    status, tokens = client.call(
        "POST", "/api/v1/identity/auth/login", body={"email": MENTOR[0], "password": MENTOR[1]}
    )
    if status != 200:
        done.refuse(f"mentor login {status}")
        return
    for member in members:
        status, _ = client.call(
            "POST",
            "/api/v1/passport/credentials/issue",
            token=tokens["access_token"],
            body={"member_id": member["id"], "kind": "passport"},
        )
        if status == 201:
            done.credentials += 1
        else:
            done.refuse(f"credential {status}")


def _q(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
