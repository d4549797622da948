"""Reads of passport data."""

from django.db.models import QuerySet

from domains.passport.models import CompetencyFramework


def framework_list() -> QuerySet[CompetencyFramework]:
    return CompetencyFramework.objects.prefetch_related("competencies")
