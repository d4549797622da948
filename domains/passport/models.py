"""Passport's tables: competency frameworks and their competencies."""

import uuid

from django.db import models

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
