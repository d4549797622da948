"""Passport's tables: frameworks, mapping rules, evidence, credentials, share links.

``Evidence`` is written by the handlers of learning's events in the inbox
transaction (exactly once); ``CredentialRecord`` is projected from the credentials'
event store and never written directly; ``PassportSnapshot`` is each member's last
re-aggregation (``aggregation.py``), what a read serves while re-aggregation is
switched off under load.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from domains.passport.domain.levels import Level


class CompetencyFramework(models.Model):
    """A published, versioned set of competencies (e.g. a skills framework)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_name_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Competency(models.Model):
    """One competency of a framework, held by members at a level up to ``max_level``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="competencies"
    )
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    max_level = models.PositiveSmallIntegerField(choices=Level.choices(), default=Level.EXPERT)

    class Meta:
        ordering = ["framework", "code"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="competency_code_per_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MappingRule(models.Model):
    """Learning evidence that shows a competency at a level (see domain/competencies.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="rules")
    level = models.PositiveSmallIntegerField(choices=Level.choices())
    verb_id = models.URLField(max_length=500)
    #: Match one activity by id, or any activity of a type; both blank: any activity.
    activity_id = models.CharField(max_length=500, blank=True)
    activity_type = models.CharField(max_length=500, blank=True)
    #: Minimum scaled score (0..1); None: any statement that did not fail.
    min_score = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-1), MaxValueValidator(1)]
    )
    min_count = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["competency", "level", "verb_id"]

    def __str__(self) -> str:
        return f"{self.competency.code} L{self.level} ← {self.verb_id.rsplit('/', 1)[-1]}"

    def clean(self):
        super().clean()
        if self.competency_id and self.level and self.level > self.competency.max_level:
            raise ValidationError({"level": "Above the competency's highest level."})


class Evidence(models.Model):
    """An xAPI statement from ``learning.statement_recorded``; ``voided_at`` once voided.

    Kept for every statement (thin rows), so a rule added later counts earlier learning.
    """

    statement_id = models.UUIDField(unique=True)
    actor_ifi = models.CharField(max_length=2048)
    #: The holder: UUIDv5 of the actor's IFI (for mailto IFIs, the member's id).
    member_id = models.UUIDField(db_index=True)
    verb_id = models.CharField(max_length=500)
    object_id = models.CharField(max_length=2048)
    object_type = models.CharField(max_length=500, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    timestamp = models.DateTimeField()
    voided_at = models.DateTimeField(null=True, blank=True)
    #: Who vouched for the statement (its xAPI authority's IFI; "" before it was carried).
    authority_ifi = models.CharField(max_length=2048, blank=True, default="", db_default="")
    #: Why this statement does not count (``contracts.learning.v1.evidence_distrust``);
    #: "" when it counts. Kept, not dropped, so the explanation can say so.
    distrust = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        ordering = ["timestamp", "statement_id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.member_id} {self.verb_id.rsplit('/', 1)[-1]} {self.object_id}"


class PassportSnapshot(models.Model):
    """A member's competencies (with evidence) as last re-aggregated from the evidence.

    ``pending_since`` is set when evidence arrived while ``passport_reaggregation`` was
    degraded and the re-aggregation was deferred, or when the rules changed; the
    catch-up clears it. Never the source of truth: reads serve it only while it is
    current (``pending_since`` empty), or when degraded.
    """

    member_id = models.UUIDField(primary_key=True)
    competencies = models.JSONField(default=list)
    #: None: never aggregated yet (deferred from its first evidence on).
    aggregated_at = models.DateTimeField(null=True, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True, db_index=True)
    #: Each mapping rule's matching statements ({rule id: [statement ids]}), so that new
    #: evidence is matched on its own instead of re-aggregating the member's history.
    #: None: not kept yet (the next change aggregates the member in full).
    matches = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"passport snapshot of {self.member_id}"


class StatusSlot(models.Model):
    """Hands out status list indexes: one row per credential, its id minus one the index."""

    allocated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"status index {self.pk - 1}"


class CredentialRecord(models.Model):
    """Read model of the credentials' event store (``projections.CredentialsProjection``)."""

    id = models.UUIDField(primary_key=True)
    member_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=40)
    document = models.JSONField()
    status_index = models.PositiveIntegerField(unique=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class ShareLink(models.Model):
    """A public view of a member's passport showing only the sections the owner chose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    sections = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"share {self.id} of {self.member_id}"


class Endorsement(models.Model):
    """A mentor vouching for a member's competency, shown in the member's passport."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="endorsements"
    )
    endorser_id = models.UUIDField()
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_id", "competency", "endorser_id"], name="endorse_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endorser_id} endorses {self.member_id} for {self.competency_id}"
