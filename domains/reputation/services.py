"""Writes of reputation data: ratings go into the rated member's ledger.

The ledger is event-sourced; the ``Rating`` read model follows it through
``RatingsProjection`` (which also records the anti-fraud decisions). ``rating_give``
appends the rating, brings the read model up to date and recomputes the reputations it
touched (``reputation_refresh``) in one reputation transaction (the event store writes
on Django's connection): the rating, its read model row, the decisions and the
reputations it changed commit together or not at all.
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from eventsourcing.application import AggregateNotFoundError

from common import clock
from contracts.reputation.v1 import ReputationChanged
from domains.reputation.application import ReputationApplication
from domains.reputation.apps import ALIAS
from domains.reputation.domain.ledger import MemberLedger, RatingNotFound
from domains.reputation.domain.ratings import RATING_LIFETIME
from domains.reputation.metrics import RECOMPUTATIONS
from domains.reputation.models import FraudDecision, MemberReputation, Rating, ReputationRecord
from domains.reputation.projections import RatingsProjection
from domains.reputation.selectors import reputation_compute
from eventing.eventstore import get_application
from eventing.outbox import outbox_publish
from eventing.projections import projection_catch_up


def _ledger(app: ReputationApplication, member_id: UUID) -> MemberLedger:
    """``member_id``'s ledger, or a new one for a member nobody has rated yet."""
    try:
        return app.repository.get(MemberLedger.create_id(member_id))
    except AggregateNotFoundError:
        return MemberLedger(member_id=member_id)


def rating_give(
    *,
    rater_id: UUID,
    ratee_id: UUID,
    context_type: str,
    context_id: str,
    score: int,
    comment: str = "",
    given_at: datetime | None = None,
) -> MemberLedger.RatingGiven:
    """Record a rating; the recorded event.

    Raises ``RatingRefused`` (``DuplicateRating`` for a second rating of the same
    context) when the rules refuse it, and ``ConcurrencyConflict`` when another rating
    of the same member was recorded between reading and writing the ledger.
    """
    app = get_application(ReputationApplication)
    with transaction.atomic(using=ALIAS):
        ledger = _ledger(app, ratee_id)
        ledger.give_rating(
            rater_id=rater_id,
            context_type=context_type,
            context_id=context_id,
            score=score,
            comment=comment,
            given_at=given_at or clock.now(),
        )
        recorded = app.save(ledger)[-1].domain_event
        _follow(
            rater_id=rater_id, ratee_id=ratee_id, rating_id=recorded.rating_id, at=recorded.given_at
        )
    return recorded


def rating_edit(
    *, rating_id: UUID, rater_id: UUID, score: int, comment: str, now: datetime
) -> MemberLedger.RatingEdited:
    """Change one's own rating within the edit window; the recorded event.

    Raises ``RatingNotFound``, ``EditWindowClosed`` or ``RatingRefused`` (score), and
    ``ConcurrencyConflict`` when the ledger changed meanwhile.
    """
    ratee_id = (
        Rating.objects.using(ALIAS).filter(id=rating_id).values_list("ratee_id", flat=True).first()
    )
    if ratee_id is None:
        raise RatingNotFound("You gave no rating with this id.", field="rating_id")
    app = get_application(ReputationApplication)
    with transaction.atomic(using=ALIAS):
        ledger = app.repository.get(MemberLedger.create_id(ratee_id))
        ledger.edit_rating(
            rating_id=rating_id, rater_id=rater_id, score=score, comment=comment, edited_at=now
        )
        recorded = app.save(ledger)[-1].domain_event
        _follow(rater_id=rater_id, ratee_id=ratee_id, rating_id=rating_id, at=now)
    return recorded


#: The context of a rating copied from the legacy system: the rating itself.
IMPORTED_CONTEXT = "imported_rating"


def rating_import(
    *,
    rating_id: UUID,
    rater_id: UUID,
    ratee_id: UUID,
    score: int,
    comment: str,
    given_at: datetime,
) -> MemberLedger.RatingGiven | MemberLedger.RatingCorrected:
    """Record a rating copied from another system of record under its id, or take over
    that system's change of it (``RatingCorrected``); the recorded event.

    Raises ``RatingRefused`` when the rules refuse it (a member rating themselves, a
    score off the scale) and ``ConcurrencyConflict`` as ``rating_give`` does.
    """
    app = get_application(ReputationApplication)
    with transaction.atomic(using=ALIAS):
        ledger = _ledger(app, ratee_id)
        if str(rating_id) in ledger.given:
            ledger.correct_rating(
                rating_id=rating_id, score=score, comment=comment, given_at=given_at
            )
        else:
            ledger.give_rating(
                rater_id=rater_id, context_type=IMPORTED_CONTEXT, context_id=str(rating_id),
                score=score, comment=comment, given_at=given_at, rating_id=rating_id,
            )  # fmt: skip
        recorded = app.save(ledger)[-1].domain_event
        _follow(rater_id=rater_id, ratee_id=ratee_id, rating_id=rating_id, at=given_at)
    return recorded


def _follow(*, rater_id: UUID, ratee_id: UUID, rating_id: UUID, at: datetime) -> None:
    """Bring the read model and the reputations concerned up to date after a write at
    ``at`` (the rating's time, or the edit's), in the transaction that appended it."""
    projection_catch_up(projection=RatingsProjection())
    # Decisions may have taken weight from ratings of others (the rater's burst,
    # the other side of a ring): their ratees' reputations change too.
    flagged = FraudDecision.objects.using(ALIAS).filter(
        Q(rater_id__in=[rater_id, ratee_id]) | Q(ratee_id__in=[rater_id, ratee_id]),
        rating_given_at__gt=at - RATING_LIFETIME,
    )
    affected = {ratee_id, rater_id, *flagged.values_list("ratee_id", flat=True)}
    for member_id in sorted(affected, key=str):
        reputation_refresh(member_id=member_id, now=max(clock.now(), at), cause="rating")


def reputation_refresh(*, member_id: UUID, now: datetime, cause: str) -> MemberReputation:
    """Recompute ``member_id``'s reputation at ``now``; when it changed, store it, add it
    to the history and publish ``reputation.changed``, all in one transaction."""
    with transaction.atomic(using=ALIAS):
        current = (
            MemberReputation.objects.using(ALIAS)
            .select_for_update()
            .filter(member_id=member_id)
            .first()
        )
        reputation = reputation_compute(member_id=member_id, now=now)
        transaction.on_commit(RECOMPUTATIONS.inc, using=ALIAS)
        counted = reputation.ratings_counted
        figures = {
            "score": reputation.score,
            "ratings_counted": counted,
            "raw_total": reputation.raw_total,
            "ratings_discounted": reputation.ratings_discounted,
        }
        if current and all(getattr(current, k) == v for k, v in figures.items()):
            # Unchanged: nothing to publish, but the reads' copy is current as of now.
            if now > current.computed_at:
                current.computed_at = now
                current.save(using=ALIAS, update_fields=["computed_at"])
            return current
        stored, _ = MemberReputation.objects.using(ALIAS).update_or_create(
            member_id=member_id, defaults={**figures, "computed_at": now}
        )
        ReputationRecord.objects.using(ALIAS).create(
            member_id=member_id,
            score=reputation.score,
            ratings_counted=counted,
            computed_at=now,
            cause=cause,
        )
        outbox_publish(
            alias=ALIAS,
            producer="reputation",
            aggregate_id=str(member_id),
            event=ReputationChanged(
                member_id=member_id,
                score=reputation.score,
                ratings_counted=counted,
                computed_at=now,
            ),
        )
    return stored


def fraud_decision_review(
    *, decision_id: UUID, moderator: str, overridden: bool, note: str, now: datetime
) -> FraudDecision:
    """A moderator upholds (``overridden=False``) or overrides a decision; the rated
    member's reputation is recomputed at once."""
    with transaction.atomic(using=ALIAS):
        decision = FraudDecision.objects.using(ALIAS).select_for_update().get(pk=decision_id)
        decision.overridden = overridden
        decision.reviewed_by = moderator[:100]
        decision.reviewed_at = now
        decision.review_note = note
        decision.save(
            using=ALIAS, update_fields=["overridden", "reviewed_by", "reviewed_at", "review_note"]
        )
        reputation_refresh(
            member_id=decision.ratee_id,
            now=now,
            cause=f"moderator {'overrode' if overridden else 'upheld'} {decision.rule}",
        )
    return decision


def reputations_refresh_aged(*, now: datetime, lookback: timedelta) -> int:
    """Recompute the members with a rating that stopped counting in the ``lookback``
    before ``now`` (published when their score changed); how many were recomputed."""
    expired_at = now - RATING_LIFETIME
    members = (
        Rating.objects.using(ALIAS)
        .filter(given_at__gt=expired_at - lookback, given_at__lte=expired_at)
        .order_by()
        .values_list("ratee_id", flat=True)
        .distinct()
    )
    refreshed = 0
    for member_id in list(members):
        reputation_refresh(member_id=member_id, now=now, cause="ratings aged out")
        refreshed += 1
    return refreshed
