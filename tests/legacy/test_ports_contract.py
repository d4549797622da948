"""The ports' contract suites: the same assertions against the legacy and the new
implementation of each capability, chosen the way production chooses them
(``LEGACY_PORTS[capability]`` read by the port's chooser).

The data is the same on both sides because the domains' own sinks copied it from a
real reference legacy process (a fresh one per test: the write paths change its data)
into the real domain databases and event stores. Writes go through the port and are
read back through the port; refusals must come out as the same exception of the same
``kind`` whichever side answered.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from domains.governance.tests.conftest import governance_app, register_member
from domains.identity.services.tokens import access_token_issue
from domains.marketplace.domain.credentials import CredentialStatus
from domains.marketplace.models import Booking, Space, SpaceCredential
from legacy_adapter.acl.values import LEGACY_DATE_FORMAT, LEGACY_TZ, uuid_for
from legacy_adapter.ports.bookings import LegacyBookings, booking_port
from legacy_adapter.ports.members import member_directory
from legacy_adapter.ports.proposals import proposal_port
from legacy_adapter.ports.ratings import LegacyRatings, rating_port
from legacy_adapter.ports.refusals import BookingRefused, RatingRefused, SideFailed, VoteRefused
from legacy_adapter.sync.runs import backfill
from legacy_adapter.sync.sinks import sink_for
from legacy_adapter.wiring import legacy_client, reset_legacy_client
from tests.eventstore.fixtures import ledger_app
from tests.legacy.conftest import start_legacy, stop_legacy
from tests.processes import clean_environment, run_django

__all__ = ["governance_app", "ledger_app"]

pytestmark = pytest.mark.django_db(databases="__all__")

SIDES = ["legacy", "new"]


def local(moment: datetime) -> str:
    """A time as the legacy system writes it."""
    return moment.astimezone(LEGACY_TZ).strftime(LEGACY_DATE_FORMAT)


def user(n: int) -> str:
    return str(uuid_for("user", n))


def token(n: int, *scopes: str) -> str:
    """The ``Authorization`` value of legacy member ``n`` signed in on the new side."""
    issued = access_token_issue(
        subject=user(n),
        audience=settings.AUTH_AUDIENCE,
        kind="member",
        scopes=frozenset(scopes),
        lifetime=600,
    )
    return f"Bearer {issued}"


@pytest.fixture
def legacy(own_legacy):
    """These tests change legacy's data: a service of their own, not the module's."""
    return own_legacy


@pytest.fixture
def copied(legacy, settings, ledger_app, governance_app):
    """``copied(*resources)``: backfill those resources from the legacy process."""
    settings.LEGACY_BASE_URL = legacy.base_url
    reset_legacy_client()

    def run(*resources: str) -> None:
        for resource in resources:
            summary = backfill(resource=resource, client=legacy_client(), sink=sink_for(resource))
            assert summary.skipped == 0, summary

    yield run
    reset_legacy_client()


@pytest.fixture(params=SIDES)
def side(request, settings):
    """Every capability on one side, as ``LEGACY_PORTS`` would set it."""
    settings.LEGACY_PORTS = dict.fromkeys(settings.LEGACY_PORTS, request.param)
    return request.param


# --- members -------------------------------------------------------------------------------


def test_members_contract(copied, side):
    copied("users")
    directory = member_directory()
    ada = directory.member_get(member_id=uuid_for("user", 1), authorization=token(1))
    assert ada == {
        "id": user(1),
        "display_name": "Ada Lovelace",
        "bio": "Analyst of engines",
        "date_joined": "2026-01-06T09:00:00+00:00",
    }
    reader = token(2, "user.read")
    grace = directory.member_get(member_id=uuid_for("user", 2), authorization=reader)
    assert grace["display_name"] == "Grace Hopper" and grace["bio"] == "Compiler pioneer"
    assert directory.member_get(member_id=uuid_for("user", 99), authorization=reader) is None
    assert directory.member_get(member_id=uuid4(), authorization=reader) is None


# --- bookings ------------------------------------------------------------------------------

BOOKER = ("booking.create",)


def tomorrow_at(hour: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def bookable(copied):
    """Users, spaces and bookings copied; the garage (space 3) bookable on the new side
    too: what the marketplace needs and legacy never had (opening hours, a verified
    credential), given as its owner and a moderator would."""
    copied("users", "spaces", "bookings")
    garage = Space.objects.using("marketplace").get(pk=uuid_for("space", 3))
    garage.opening_hours = {
        d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    garage.save(using="marketplace")
    now = timezone.now()
    SpaceCredential.objects.using("marketplace").create(
        space=garage,
        kind="insurance",
        issuer="Mutual",
        reference="POL-1",
        expires_at=now + timedelta(days=365),
        status=CredentialStatus.VERIFIED,
        submitted_at=now - timedelta(days=1),
    )
    return uuid_for("space", 3)


def test_bookings_contract_lists_what_legacy_had(bookable, side):
    port = booking_port()
    assert port.bookings_for_member(
        member_id=uuid_for("user", 2), authorization=token(2, *BOOKER)
    ) == [
        {
            "id": str(uuid_for("booking", 1)),
            "space_id": str(uuid_for("space", 1)),
            "member_id": user(2),
            "starts_at": "2026-02-04T09:00:00+00:00",
            "ends_at": "2026-02-04T11:00:00+00:00",
        }
    ]
    assert (
        port.bookings_for_member(member_id=uuid_for("user", 4), authorization=token(4, *BOOKER))
        == []
    )


def test_bookings_contract_books_and_refuses_an_overlap(bookable, side):
    port = booking_port()
    starts, ends = tomorrow_at(10), tomorrow_at(12)
    booked = port.booking_create(
        space_id=bookable,
        member_id=uuid_for("user", 4),
        starts_at=starts,
        ends_at=ends,
        authorization=token(4, *BOOKER),
    )
    assert {k: v for k, v in booked.items() if k != "id"} == {
        "space_id": str(bookable),
        "member_id": user(4),
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
    }
    mine = port.bookings_for_member(member_id=uuid_for("user", 4), authorization=token(4, *BOOKER))
    assert mine == [booked]

    with pytest.raises(BookingRefused) as refused:
        port.booking_create(
            space_id=bookable,
            member_id=uuid_for("user", 5),
            starts_at=tomorrow_at(11),
            ends_at=tomorrow_at(13),
            authorization=token(5, *BOOKER),
        )
    assert refused.value.kind == "conflict"
    assert (
        port.bookings_for_member(member_id=uuid_for("user", 5), authorization=token(5, *BOOKER))
        == []
    )
    after = port.booking_create(
        space_id=bookable,
        member_id=uuid_for("user", 5),
        starts_at=ends,
        ends_at=tomorrow_at(13),
        authorization=token(5, *BOOKER),
    )
    assert after["starts_at"] == ends.isoformat()  # back to back is no overlap


@pytest.mark.parametrize(
    ("space", "starts", "ends", "kind"),
    [
        (lambda: uuid4(), 10, 11, "not_found"),
        (lambda: uuid_for("space", 99), 10, 11, "not_found"),
        (lambda: uuid_for("space", 3), 12, 11, "invalid"),
        (lambda: uuid_for("space", 3), -30, -29, "invalid"),
    ],
    ids=["new-born space", "unknown legacy number", "ends before it starts", "in the past"],
)
def test_bookings_contract_refusals(bookable, side, space, starts, ends, kind):
    with pytest.raises(BookingRefused) as refused:
        booking_port().booking_create(
            space_id=space(),
            member_id=uuid_for("user", 4),
            starts_at=tomorrow_at(0) + timedelta(hours=starts),
            ends_at=tomorrow_at(0) + timedelta(hours=ends),
            authorization=token(4, *BOOKER),
        )
    assert refused.value.kind == kind


def test_the_new_side_books_only_for_the_member_the_credential_names(bookable, settings):
    """A documented difference: legacy books for whoever it is told; the marketplace books
    for the caller, so the port refuses another member's id and releases the hold."""
    settings.LEGACY_PORTS = {**settings.LEGACY_PORTS, "bookings": "new"}
    with pytest.raises(BookingRefused) as refused:
        booking_port().booking_create(
            space_id=bookable, member_id=uuid_for("user", 5), starts_at=tomorrow_at(10),
            ends_at=tomorrow_at(12), authorization=token(4, *BOOKER),
        )  # fmt: skip
    assert refused.value.kind == "forbidden"
    held = Booking.objects.using("marketplace").get(space_id=bookable)
    assert (held.member_id, held.status) == (uuid_for("user", 4), "cancelled")
    booked = booking_port().booking_create(
        space_id=bookable, member_id=uuid_for("user", 4), starts_at=tomorrow_at(10),
        ends_at=tomorrow_at(12), authorization=token(4, *BOOKER),
    )  # fmt: skip
    assert booked["member_id"] == user(4)  # the released slot is free again


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_concurrent_legacy_bookings_of_one_slot_book_it_once(legacy, settings):
    """Legacy stores any range: the port's lock in our database is what keeps two
    callers from both booking one slot there (without it, several of them book it)."""
    settings.LEGACY_BASE_URL = legacy.base_url
    reset_legacy_client()
    legacy.control(delay_ms=50)  # every read and write takes a while: a wide race window
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def book(n: int) -> None:
        try:
            start.wait()
            LegacyBookings().booking_create(
                space_id=uuid_for("space", 2),
                member_id=uuid_for("user", 1 + n % 5),
                starts_at=tomorrow_at(14),
                ends_at=tomorrow_at(16),
            )
            outcomes.append("booked")
        except BookingRefused as exc:
            outcomes.append(exc.kind)
        finally:
            connections.close_all()

    # This thread's connection back to the pool: the threads then race for real, never
    # queued behind a small pool (which would serialise them with or without the lock).
    connections.close_all()
    threads = [threading.Thread(target=book, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reset_legacy_client()
    assert sorted(outcomes) == ["booked"] + ["conflict"] * 7
    with sqlite3.connect(legacy.db) as db:
        stored = db.execute("SELECT COUNT(*) FROM bookings WHERE space_no = 2").fetchone()[0]
    assert stored == 1


# --- proposals and votes -------------------------------------------------------------------

VOTER = ("proposal.vote",)
NEXT_YEAR = datetime(datetime.now(UTC).year + 1, 3, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def proposals(legacy, copied):
    """Legacy's seed proposal 1 (open, but its deadline has passed), a closed one, an
    open one, a draft; copied with their votes; voters known to governance."""
    closes = local(NEXT_YEAR)
    legacy.change(
        "INSERT INTO proposals VALUES (2, 3, 'Buy a kiln', 'For ceramics.', "
        "'CLOSED', '01.03.2026 18:00', '05.01.2026 10:00')",
    )
    legacy.change(
        "INSERT INTO proposals VALUES (3, 2, 'Longer hours', 'Open till 22.', "
        "'OPEN', ?, '05.01.2026 10:00')",
        closes,
    )
    legacy.change(
        "INSERT INTO proposals VALUES (4, 1, 'A library', 'Books.', 'DRAFT', "
        "?, '05.01.2026 10:00')",
        closes,
    )
    copied("users", "proposals", "votes")
    for n in (1, 2, 3, 4, 5):
        register_member(uuid_for("user", n))


def test_proposals_contract_reads(proposals, side):
    port = proposal_port()
    open_one = {
        "id": str(uuid_for("proposal", 3)),
        "author_id": user(2),
        "title": "Longer hours",
        "summary": "Open till 22.",
        "status": "voting",
        "voting_deadline": NEXT_YEAR.isoformat(),
    }
    assert port.proposal_get(proposal_id=uuid_for("proposal", 3)) == open_one
    statuses = {p["id"]: p["status"] for p in port.proposal_list()}
    assert statuses == {
        str(uuid_for("proposal", 1)): "closed",  # past its deadline: no more votes
        str(uuid_for("proposal", 2)): "closed",
        str(uuid_for("proposal", 3)): "voting",
        str(uuid_for("proposal", 4)): "draft",
    }
    assert port.proposal_get(proposal_id=uuid_for("proposal", 4))["voting_deadline"] is None
    assert port.proposal_get(proposal_id=uuid_for("proposal", 99)) is None
    assert port.proposal_get(proposal_id=uuid4()) is None


def test_proposals_contract_casts_a_vote(proposals, side):
    vote = proposal_port().vote_cast(
        proposal_id=uuid_for("proposal", 3),
        member_id=uuid_for("user", 4),
        choice="yes",
        authorization=token(4, *VOTER),
    )
    assert vote == {
        "proposal_id": str(uuid_for("proposal", 3)),
        "voter_id": user(4),
        "choice": "yes",
    }
    assert recorded_votes(side, 3) == {user(4): "yes"}


def recorded_votes(side: str, number: int) -> dict[str, str]:
    """The votes each side itself stored for proposal ``number`` (its own read API)."""
    if side == "legacy":
        items = (
            legacy_client()
            .request("GET", "/api/votes", query={"proposal_no": number})
            .json()["items"]
        )
        return {user(v["user_no"]): v["choice"].lower() for v in items}
    from domains.governance.models import Vote

    votes = Vote.objects.using("governance").filter(proposal_id=uuid_for("proposal", number))
    return {str(v.member_id): v.choice for v in votes}


@pytest.mark.parametrize(
    ("proposal", "choice", "kind"),
    [
        (lambda: uuid_for("proposal", 2), "yes", "conflict"),
        (lambda: uuid_for("proposal", 1), "yes", "conflict"),
        (lambda: uuid_for("proposal", 4), "yes", "conflict"),
        (lambda: uuid_for("proposal", 99), "yes", "not_found"),
        (lambda: uuid4(), "yes", "not_found"),
        (lambda: uuid_for("proposal", 3), "maybe", "invalid"),
    ],
    ids=[
        "closed",
        "past its deadline",
        "draft",
        "unknown legacy number",
        "new-born id",
        "not a choice",
    ],
)
def test_proposals_contract_refuses_votes(proposals, side, proposal, choice, kind):
    with pytest.raises(VoteRefused) as refused:
        proposal_port().vote_cast(
            proposal_id=proposal(),
            member_id=uuid_for("user", 5),
            choice=choice,
            authorization=token(5, *VOTER),
        )
    assert refused.value.kind == kind
    assert user(5) not in recorded_votes(side, 3)


# --- ratings -------------------------------------------------------------------------------

RATER = ("rating.give", "rating.read")


@pytest.fixture
def rated(legacy, copied):
    """Legacy's seed ratings (January: no longer counting) and a recent one, 4 -> 5."""
    yesterday = local(datetime.now(UTC) - timedelta(days=1))
    legacy.change("INSERT INTO ratings VALUES (4, 4, 5, 8, 'Patient', ?)", yesterday)
    copied("users", "ratings")
    return yesterday


def test_ratings_contract_lists_the_ratings_that_count(rated, side):
    port = rating_port()
    given_at = datetime.strptime(rated, LEGACY_DATE_FORMAT).replace(tzinfo=LEGACY_TZ)
    assert port.ratings_for(member_id=uuid_for("user", 5), authorization=token(1, *RATER)) == [
        {
            "id": str(uuid_for("rating", 4)),
            "rater_id": user(4),
            "ratee_id": user(5),
            "score": 4,
            "comment": "Patient",
            "given_at": given_at.astimezone(UTC).isoformat(),
        }
    ]
    assert port.ratings_for(member_id=uuid_for("user", 2), authorization=token(1, *RATER)) == []


def test_ratings_contract_gives_ratings(rated, side):
    port = rating_port()
    first = port.rating_give(
        rater_id=uuid_for("user", 1),
        ratee_id=uuid_for("user", 5),
        score=3,
        comment="Kind",
        authorization=token(1, *RATER),
    )
    assert (first["rater_id"], first["ratee_id"], first["score"], first["comment"]) == (
        user(1),
        user(5),
        3,
        "Kind",
    )
    second = port.rating_give(
        rater_id=uuid_for("user", 1),
        ratee_id=uuid_for("user", 5),
        score=5,
        comment="Again",
        authorization=token(1, *RATER),
    )
    listed = port.ratings_for(member_id=uuid_for("user", 5), authorization=token(1, *RATER))
    assert sorted((r["rater_id"], r["score"], r["comment"]) for r in listed) == [
        (user(1), 3, "Kind"),
        (user(1), 5, "Again"),
        (user(4), 4, "Patient"),
    ]
    assert {first["id"], second["id"]} <= {r["id"] for r in listed}


@pytest.mark.parametrize(
    ("rater", "ratee", "score"),
    [(1, 1, 4), (1, 5, 6), (1, 5, 0)],
    ids=["self-rating", "above the scale", "below the scale"],
)
def test_ratings_contract_refusals(rated, side, rater, ratee, score):
    port = rating_port()
    with pytest.raises(RatingRefused) as refused:
        port.rating_give(
            rater_id=uuid_for("user", rater),
            ratee_id=uuid_for("user", ratee),
            score=score,
            comment="",
            authorization=token(rater, *RATER),
        )
    assert refused.value.kind == "invalid"
    listed = port.ratings_for(member_id=uuid_for("user", ratee), authorization=token(1, *RATER))
    assert [r["rater_id"] for r in listed] == ([user(4)] if ratee == 5 else [])


EMBEDDED_RACE = """
import json, threading
from datetime import UTC, datetime, timedelta
from django.core.management import call_command
from django.db import connections
from legacy_adapter.acl.values import uuid_for
from legacy_adapter.ports.bookings import LegacyBookings
from legacy_adapter.ports.refusals import BookingRefused

call_command("migrate_all", verbosity=0)
day = datetime.now(UTC).date() + timedelta(days=1)
starts = datetime(day.year, day.month, day.day, 14, tzinfo=UTC)
outcomes, start = [], threading.Barrier(6)

def book(n):
    try:
        start.wait()
        LegacyBookings().booking_create(
            space_id=uuid_for("space", 2), member_id=uuid_for("user", 1 + n % 5),
            starts_at=starts, ends_at=starts + timedelta(hours=2),
        )
        outcomes.append("booked")
    except BookingRefused as exc:
        outcomes.append(exc.kind)
    finally:
        connections.close_all()

threads = [threading.Thread(target=book, args=(n,)) for n in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(sorted(outcomes)))
"""


def test_concurrent_legacy_bookings_book_once_on_the_embedded_default(tmp_path):
    """SQLite (no advisory locks): the IMMEDIATE transaction's write lock serialises."""
    legacy = start_legacy(tmp_path)
    try:
        legacy.control(delay_ms=50)
        env = clean_environment(
            SERVICE="all", DATA_DIR=str(tmp_path / "data"), LEGACY_BASE_URL=legacy.base_url
        )
        result = run_django(EMBEDDED_RACE, env, timeout=180)
        with sqlite3.connect(legacy.db) as db:
            stored = db.execute("SELECT COUNT(*) FROM bookings WHERE space_no = 2").fetchone()[0]
    finally:
        stop_legacy(legacy)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["booked"] + ["conflict"] * 5
    assert stored == 1


def test_a_failing_legacy_system_is_a_fault_not_a_refusal_nor_an_empty_answer(rated, legacy):
    """Legacy answering 500 (its own failure, not a rule): the port says so, never
    "refused" and never "no ratings"."""
    port = LegacyRatings()
    legacy.control(fail_status=500)
    with pytest.raises(SideFailed):
        port.rating_give(rater_id=uuid_for("user", 1), ratee_id=uuid_for("user", 5), score=3)
    with pytest.raises(SideFailed):
        port.ratings_for(member_id=uuid_for("user", 5))
    legacy.control(fail_status=None)
    assert [r["rater_id"] for r in port.ratings_for(member_id=uuid_for("user", 5))] == [user(4)]
