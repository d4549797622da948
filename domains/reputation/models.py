"""Reputation's tables: the ratings read model, projected from the members' ledgers.

The ledger (``domain/ledger.py``, event-sourced) is the record; ``Rating`` is rebuilt
from it by ``projections.RatingsProjection`` and is never written directly.
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
