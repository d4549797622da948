"""Reads of reputation data: counted ratings, a reputation explained, history, flags.

A reputation reads only the member's ratings inside the 30-day window (index
``rating_ratee_recent``), the decisions about those ratings (``fraud_ratee_recent``)
and the standing of their raters, so its cost follows the last 30 days, never the
whole history.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, router
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.dateparse import parse_datetime

from domains.reputation.domain.ledger import MemberLedger
from domains.reputation.domain.ratings import RATING_LIFETIME, window_start
from domains.reputation.domain.scoring import (
    Discount,
    RatingFact,
    Reputation,
    reputation_at,
    unweighted_at,
)
from domains.reputation.models import (
    CompletedActivity,
    CompletedBooking,
    FraudDecision,
    MemberReputation,
    Rating,
    ReputationRecord,
)


def rating_list_counting(*, ratee_id: uuid.UUID, now: datetime) -> QuerySet[Rating]:
    """Ratings of ``ratee_id`` that count at ``now`` (the last 30 days)."""
    return Rating.objects.filter(
        ratee_id=ratee_id, given_at__gte=window_start(now), given_at__lte=now
    )


#: The ``Rating`` columns a ``RatingFact`` is made of, in its order (bar the ledger id).
_FACT_FIELDS = (
    "id", "rater_id", "score", "given_at", "context_type", "context_id", "ledger_version",
)  # fmt: skip


def _facts(member_id: uuid.UUID, rows) -> list[RatingFact]:
    """``RatingFact``s of rows that start with ``_FACT_FIELDS`` (extra columns ignored)."""
    ledger_id = MemberLedger.create_id(member_id)
    return [
        RatingFact(rid, rater, score, given, ctype, cid, ledger_id, version or 0)
        for rid, rater, score, given, ctype, cid, version, *_ in rows
    ]


def reputation_compute(*, member_id: uuid.UUID, now: datetime) -> Reputation:
    """``member_id``'s reputation at ``now``, with every rating's contribution."""
    standing_of_rater = MemberReputation.objects.filter(member_id=OuterRef("rater_id")).values(
        "score"
    )[:1]
    rows = list(
        rating_list_counting(ratee_id=member_id, now=now)
        .annotate(standing=Subquery(standing_of_rater))
        .values_list(*_FACT_FIELDS, "standing")
    )
    facts = _facts(member_id, rows)
    # Each rater's standing comes with their rating (an index lookup per row), never
    # from a scan of every member's standing.
    standing = {row[1]: row[-1] for row in rows if row[-1] is not None}
    discounts: dict[uuid.UUID, list[Discount]] = {}
    decisions = FraudDecision.objects.filter(
        ratee_id=member_id,
        rating_given_at__gte=window_start(now),
        rating_given_at__lte=now,
        overridden=False,
    ).values_list("rating_id", "rule", "factor", "reason")
    for rating_id, rule, factor, reason in decisions:
        discounts.setdefault(rating_id, []).append(Discount(rule, factor, reason))
    return reputation_at(ratings=facts, now=now, standing=standing, discounts=discounts)


@dataclass(frozen=True)
class CurrentReputation:
    """The figures of the current read; ``stored`` when they come from the stored
    aggregate (``MemberReputation``), not a computation."""

    score: float
    raw_total: float
    ratings_counted: int
    ratings_discounted: int
    stored: bool


def reputation_current(*, member_id: uuid.UUID, now: datetime) -> CurrentReputation:
    """``member_id``'s reputation now, from the stored aggregate when it still holds.

    The aggregate is rewritten with every rating, edit or moderation that concerns the
    member (``services.reputation_refresh``), and stays right until a rating enters
    the window after ``computed_at`` (one the write path has not followed yet) or
    leaves it (ages out). Otherwise it is computed as ``reputation_compute`` does. The
    explanation (``reputation_compute``'s contributions) traces the same figure to the
    events.
    """
    stored = _stored_if_current(member_id, now)
    if stored is not None:
        return stored
    computed = reputation_compute(member_id=member_id, now=now)
    return CurrentReputation(
        computed.score, computed.raw_total, computed.ratings_counted,
        computed.ratings_discounted, stored=False,
    )  # fmt: skip


#: The aggregate by its primary key, whether a rating of the member entered the window
#: after it was computed, and the newest of the member's ratings that has left the
#: window by now: each subquery one bounded range of the (ratee_id, given_at) index.
#: The subqueries name the member through the outer row, not as a constant: with a
#: constant, for a member holding most of the table, the planner read the newest rows
#: of the ``given_at`` index and filtered out everyone else's (5,000 buffers, 15 ms, in
#: the benchmark); correlated, it always takes the member's own index range. Written
#: out rather than built by the ORM: building and compiling the query cost several
#: times the query itself, which is what the read's latency was on a busy machine.
_CURRENT_SQL = """
    SELECT r.score, r.raw_total, r.ratings_counted, r.ratings_discounted, r.computed_at,
        EXISTS (SELECT 1 FROM {rating} x WHERE x.ratee_id = r.member_id
                AND x.given_at > r.computed_at AND x.given_at <= %s),
        (SELECT MAX(x.given_at) FROM {rating} x
         WHERE x.ratee_id = r.member_id AND x.given_at <= %s)
    FROM {reputation} r
    WHERE r.member_id = %s AND r.computed_at <= %s AND r.raw_total IS NOT NULL
"""


def _stored_if_current(member_id: uuid.UUID, now: datetime) -> CurrentReputation | None:
    """The stored aggregate, unless a rating entered or left the window since it was
    computed (or it predates the stored figures): one query."""
    alias = router.db_for_read(MemberReputation)
    connection = connections[alias]
    quote = connection.ops.quote_name
    sql = _CURRENT_SQL.format(
        rating=quote(Rating._meta.db_table), reputation=quote(MemberReputation._meta.db_table)
    )
    member = Rating._meta.get_field("ratee_id").get_db_prep_value(member_id, connection)
    moment = Rating._meta.get_field("given_at")
    until, gone = (moment.get_db_prep_value(t, connection) for t in (now, now - RATING_LIFETIME))
    with connection.cursor() as cursor:
        cursor.execute(sql, [until, gone, member, until])
        row = cursor.fetchone()
    if row is None:
        return None
    score, raw_total, counted, discounted, computed_at, entered, newest_gone = row
    # given_at in [window_start(then), window_start(now)): a rating aged out since then.
    if entered or (newest_gone and _aware(newest_gone) > _aware(computed_at) - RATING_LIFETIME):
        return None
    return CurrentReputation(score, raw_total, counted, discounted or 0, stored=True)


def _aware(value) -> datetime:
    """A timestamp as the database returned it (SQLite: text), timezone-aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def reputation_unweighted(*, member_id: uuid.UUID, now: datetime) -> Reputation:
    """The fallback while ``reputation_weighting`` is degraded: the window's ratings
    alone (one indexed range read), without the raters' standing or the fraud
    decisions that ``reputation_compute`` joins in."""
    rows = rating_list_counting(ratee_id=member_id, now=now).values_list(*_FACT_FIELDS)
    return unweighted_at(ratings=_facts(member_id, rows), now=now)


def reputation_history(*, member_id: uuid.UUID) -> QuerySet[ReputationRecord]:
    return ReputationRecord.objects.filter(member_id=member_id)


def fraud_decision_list(*, rule: str | None = None, overridden: bool | None = None):
    decisions = FraudDecision.objects.all()
    if rule:
        decisions = decisions.filter(rule=rule)
    if overridden is not None:
        decisions = decisions.filter(overridden=overridden)
    return decisions


def completed_activity_evidence(
    *, pairs: list[tuple[uuid.UUID, str]]
) -> dict[tuple[str, str], dict[str, object]]:
    """For those of these (rater, activity IRI) pairs that name an activity the rater
    finished: the statement that shows it (the earliest) and who vouched for it."""
    if not pairs:
        return {}
    found = CompletedActivity.objects.filter(
        member_id__in={rater for rater, _ in pairs}, activity_id__in={iri for _, iri in pairs}
    ).order_by("-completed_at", "-statement_id")
    # Newest first, so the earliest completion of each pair is written last and kept.
    return {
        (str(row.member_id), row.activity_id): {
            "statement_id": str(row.statement_id),
            "authority": row.authority_ifi,
            "completed_at": row.completed_at,
        }
        for row in found
    }


def completed_booking_ids(*, context_ids: list[str]) -> set[str]:
    """Which of these booking context ids name a booking known to have taken place."""
    ids = []
    for value in context_ids:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    found = CompletedBooking.objects.filter(booking_id__in=ids).values_list("booking_id", flat=True)
    return {str(booking_id) for booking_id in found}
