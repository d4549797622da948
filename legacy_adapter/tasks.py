"""Celery: the incremental sync of every resource that has a sink, run periodically."""

from celery import shared_task
from django.conf import settings

from legacy_adapter.sync.runs import sync_changes
from legacy_adapter.sync.sinks import retired_resources, sink_for
from legacy_adapter.usage import calling
from legacy_adapter.wiring import legacy_client


@shared_task(name="legacy_adapter.sync_changes")
def sync_all_changes() -> dict[str, int]:
    """Records changed in legacy since each resource's watermark, copied over."""
    read = {}
    retired = retired_resources()
    for resource in settings.LEGACY_SYNC_SINKS:
        if resource in retired:
            continue  # its legacy side is gone (legacy_retire)
        with calling(f"sync:{resource}"):
            summary = sync_changes(
                resource=resource, client=legacy_client(), sink=sink_for(resource)
            )
        read[resource] = summary.read
    return read
