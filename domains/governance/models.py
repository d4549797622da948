"""Governance's tables: proposals (votes and the register come with the domain issue)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from domains.governance.domain.lifecycle import ProposalStatus, can_transition


class Proposal(models.Model):
    """A member's proposal to the community, moving through its lifecycle."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author_id = models.UUIDField(db_index=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.name.title()) for s in ProposalStatus],
        default=ProposalStatus.DRAFT,
        db_index=True,
    )
    #: Votes needed for the result to stand.
    quorum = models.PositiveIntegerField(default=3, validators=[MinValueValidator(1)])
    voting_deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """Refuse a status change the lifecycle does not allow (admin edits included)."""
        super().clean()
        if self._state.adding:
            return
        stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if (
            stored
            and stored != self.status
            and not can_transition(ProposalStatus(stored), ProposalStatus(self.status))
        ):
            raise ValidationError(
                {"status": f"A proposal cannot move from {stored} to {self.status}."}
            )
