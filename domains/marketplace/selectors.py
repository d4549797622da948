"""Reads of marketplace data."""

from django.db.models import QuerySet

from domains.marketplace.domain.spaces import SpaceStatus
from domains.marketplace.models import Space


def space_list(
    *,
    min_capacity: int | None = None,
    online: bool | None = None,
) -> QuerySet[Space]:
    """Listed spaces matching the filters; drafts and suspended spaces never show."""
    queryset = Space.objects.filter(status=SpaceStatus.LISTED)
    if min_capacity is not None:
        queryset = queryset.filter(capacity__gte=min_capacity)
    if online is not None:
        queryset = queryset.filter(is_online=online)
    return queryset
