"""Governance's tables: proposals (votes and the register come with the domain issue)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from domains.governance.domain.lifecycle import ProposalStatus, can_transition


class Member(models.Model):
    """A member as governance knows them, from ``identity.member_registered`` events.

    Governance never asks identity: eligibility (roles, reputation) grows here from
    published events.
    """

    member_id = models.UUIDField(unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    joined_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "member_id"]

    def __str__(self) -> str:
        return self.display_name or str(self.member_id)


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
