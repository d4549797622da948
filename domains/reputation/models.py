"""Reputation's tables: the ratings read model, fraud decisions, reputations.

The ledger (``domain/ledger.py``, event-sourced) is the record; ``Rating`` is rebuilt
from it by ``projections.RatingsProjection`` and is never written directly.
``FraudDecision`` rows are written by the same projection but are not a read model:
a rebuild keeps them (and the moderators' overrides). ``MemberReputation`` is each
member's last computed reputation (the standing that weighs their own ratings), and
``ReputationRecord`` its history.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from domains.reputation.domain.ledger import CONTEXT_ID_MAX_LENGTH, CONTEXT_TYPE_MAX_LENGTH
from domains.reputation.domain.ratings import MAX_SCORE, MIN_SCORE


class Rating(models.Model):
    """One member's rating of another; members are identity's ids, never foreign keys."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rater_id = models.UUIDField(db_index=True)
    ratee_id = models.UUIDField(db_index=True)
    #: What was rated: a session, a mentoring, a booking, a space.
    context_type = models.CharField(max_length=CONTEXT_TYPE_MAX_LENGTH)
    context_id = models.CharField(max_length=CONTEXT_ID_MAX_LENGTH)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    given_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: The version of the ledger event that recorded it (the ledger id follows from ratee_id).
    ledger_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(rater_id=F("ratee_id")), name="rating_not_self"),
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE), name="rating_score_range"
            ),
            models.UniqueConstraint(
                fields=["rater_id", "ratee_id", "context_type", "context_id"],
                name="rating_once_per_context",
            ),
        ]
        indexes = [models.Index(fields=["ratee_id", "given_at"], name="rating_ratee_recent")]

    def __str__(self) -> str:
        return f"{self.score}/{MAX_SCORE} for {self.ratee_id} ({self.context_type})"


class Member(models.Model):
    """A member as identity announced them (``identity.member_registered``)."""

    member_id = models.UUIDField(primary_key=True)
    joined_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.member_id)


class FraudDecision(models.Model):
    """An anti-fraud rule applied to a rating, with its reason; moderators may override it."""

    RULES = [
        (rule, rule.replace("_", " ")) for rule in ("burst", "reciprocal", "ring", "new_account")
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rating_id = models.UUIDField(db_index=True)
    rater_id = models.UUIDField()
    ratee_id = models.UUIDField()
    rating_given_at = models.DateTimeField()
    rule = models.CharField(max_length=20, choices=RULES)
    factor = models.FloatField()
    reason = models.CharField(max_length=500)
    decided_at = models.DateTimeField(default=timezone.now)
    #: Set by a moderator: the rating keeps its full weight despite the rule.
    overridden = models.BooleanField(default=False)
    reviewed_by = models.CharField(max_length=100, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rating_id", "rule"], name="fraud_decision_once")
        ]
        indexes = [
            models.Index(fields=["ratee_id", "rating_given_at"], name="fraud_ratee_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} on {self.rating_id}"


class MemberReputation(models.Model):
    """A member's reputation as last computed (and published as ``reputation.changed``).

    Also what the current read serves (``selectors.reputation_current``) while no rating
    entered or left the window since ``computed_at``. ``raw_total`` and
    ``ratings_discounted`` are empty on rows stored before they existed (such a row is
    recomputed on read).
    """

    member_id = models.UUIDField(primary_key=True)
    score = models.FloatField()
    ratings_counted = models.PositiveIntegerField()
    computed_at = models.DateTimeField()
    raw_total = models.FloatField(null=True, blank=True)
    ratings_discounted = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.score}"


class ReputationRecord(models.Model):
    """One entry of a member's reputation history: each change, when and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField()
    score = models.FloatField()
    ratings_counted = models.PositiveIntegerField()
    computed_at = models.DateTimeField()
    cause = models.CharField(max_length=200)

    class Meta:
        ordering = ["-computed_at", "id"]
        indexes = [models.Index(fields=["member_id", "computed_at"], name="reputation_history")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.score} at {self.computed_at}"


class CompletedActivity(models.Model):
    """A member completed or passed a learning activity (``learning.statement_recorded``
    by a member's account): their ratings given in that activity's context
    (``context_type`` ``activity``, ``context_id`` its IRI) are shown as verified in the
    explanation, with the statement and who vouched for it. Only statements from an
    authority trusted for them (``EVIDENCE_TRUSTED_AUTHORITIES``, shared with passport)
    are kept. Gone when the statement is voided."""

    statement_id = models.UUIDField(primary_key=True)
    member_id = models.UUIDField()
    activity_id = models.CharField(max_length=2048)
    completed_at = models.DateTimeField()
    #: The IFI of the statement's xAPI authority (the member, LRS client or service that
    #: wrote it); "" for events published before authorities were carried.
    authority_ifi = models.CharField(max_length=2048, blank=True, default="", db_default="")

    class Meta:
        indexes = [
            models.Index(fields=["member_id", "activity_id"], name="completed_activity_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} completed {self.activity_id}"


class CompletedBooking(models.Model):
    """A booking that took place (``marketplace.booking_completed``): ratings in its
    context are shown as verified in the explanation."""

    booking_id = models.UUIDField(primary_key=True)
    space_id = models.UUIDField()
    member_id = models.UUIDField()
    ended_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.booking_id)
