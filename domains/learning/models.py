"""Learning's tables. Activities now; statements and documents come with the LRS."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from domains.learning.domain.iris import is_absolute_iri


def validate_iri(value: str) -> None:
    if not is_absolute_iri(value):
        raise ValidationError("%(value)s is not an absolute IRI.", params={"value": value})


class Activity(models.Model):
    """An xAPI activity: something a learner did, identified by an IRI."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    iri = models.CharField(max_length=2048, unique=True, validators=[validate_iri])
    #: xAPI language map, e.g. {"en-US": "Intro to Django"}.
    name = models.JSONField(default=dict, blank=True)
    activity_type = models.CharField(max_length=2048, blank=True, validators=[validate_iri])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return next(iter(self.name.values()), self.iri) if self.name else self.iri
