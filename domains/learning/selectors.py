"""Reads of learning data."""

from django.db.models import QuerySet

from domains.learning.models import Activity


def activity_list(*, activity_type: str | None = None) -> QuerySet[Activity]:
    queryset = Activity.objects.all()
    if activity_type:
        queryset = queryset.filter(activity_type=activity_type)
    return queryset
