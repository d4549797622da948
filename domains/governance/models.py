"""Governance's tables.

- ``Member`` and ``MemberStanding``: who may vote, from identity's and reputation's
  published events (governance never asks another domain).
- ``Proposal``, ``Vote``, ``Comment``: read models projected from the proposals' event
  store (``projections.ProposalsProjection``), rebuildable from the events.
- ``RegisterEntry`` and ``RegisterNode``: the decision register, an append-only Merkle
  log (``register.py``). The database refuses UPDATE and DELETE on both (triggers in
  migration 0004); ``manage.py governance_register verify`` detects rows changed or
  removed anyway (by someone who can drop a trigger).
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from domains.governance.domain.lifecycle import ProposalStatus, can_transition
from domains.governance.domain.tally import Method


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


class MemberStanding(models.Model):
    """A member's roles and reputation, from ``identity.role_*`` and ``reputation.changed``.

    Separate from ``Member``: those events may arrive before the registration does.
    """

    member_id = models.UUIDField(unique=True)
    roles = models.JSONField(default=list)
    reputation = models.FloatField(null=True, blank=True)
    reputation_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.roles} {self.reputation}"


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
    method = models.CharField(
        max_length=20, choices=[(m.value, m.name.title()) for m in Method], default=Method.MAJORITY
    )
    #: Members who must vote for the result to stand.
    quorum = models.PositiveIntegerField(default=3, validators=[MinValueValidator(1)])
    voting_deadline = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    #: Final counts by choice, filled when voting closes.
    counts = models.JSONField(default=dict, blank=True)
    voters = models.PositiveIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set from the events (not auto_now): a rebuild reproduces them exactly.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

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


class Vote(models.Model):
    """A member's current vote on a proposal: one row per (proposal, member)."""

    proposal_id = models.UUIDField()
    member_id = models.UUIDField()
    choice = models.CharField(max_length=20)
    #: How many times the member cast a vote on this proposal (1 = never changed).
    casts = models.PositiveIntegerField(default=1)
    cast_at = models.DateTimeField()
    #: The id the vote has in the system it was copied from (legacy sync), if any.
    imported_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["proposal_id", "cast_at", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal_id", "member_id"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.choice}"


class Comment(models.Model):
    proposal_id = models.UUIDField(db_index=True)
    member_id = models.UUIDField()
    body = models.TextField()
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["posted_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class RegisterEntry(models.Model):
    """One leaf of the decision register and the signed tree head after it.

    ``content`` is the canonical JSON the leaf hash is computed over, byte for byte.
    """

    index = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=20)
    proposal_id = models.UUIDField(db_index=True)
    content = models.TextField()
    leaf_hash = models.CharField(max_length=64)
    #: The signed tree head of size ``index + 1``.
    root_hash = models.CharField(max_length=64)
    timestamp_ms = models.BigIntegerField()
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["index"]
        verbose_name_plural = "register entries"

    def __str__(self) -> str:
        return f"#{self.index} {self.kind} {self.proposal_id}"


class RegisterNode(models.Model):
    """The hash of a complete subtree: ``2**level`` leaves from ``index * 2**level``."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="register_node_position")
        ]

    def __str__(self) -> str:
        return f"level {self.level} index {self.index}"
