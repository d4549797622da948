"""Marketplace's tables: learning spaces (bookings come with the domain issue)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from domains.marketplace.domain.spaces import ACCESSIBILITY_FEATURES, SpaceStatus


def validate_accessibility(value) -> None:
    unknown = sorted(set(value) - ACCESSIBILITY_FEATURES) if isinstance(value, list) else None
    if unknown is None or unknown:
        raise ValidationError(
            "Use a list of: %(known)s.", params={"known": ", ".join(sorted(ACCESSIBILITY_FEATURES))}
        )


class Space(models.Model):
    """A safe learning space a member offers, online or at a place."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_id = models.UUIDField(db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_online = models.BooleanField(default=False)
    location = models.CharField(max_length=300, blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    accessibility = models.JSONField(default=list, blank=True, validators=[validate_accessibility])
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.name.title()) for s in SpaceStatus],
        default=SpaceStatus.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="space_capacity_positive"),
            models.CheckConstraint(
                condition=Q(is_online=True) | ~Q(location=""), name="space_place_or_online"
            ),
        ]

    def __str__(self) -> str:
        return self.name
