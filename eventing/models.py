"""Tables of the event bus, created in every domain's database.

- ``OutboxMessage``: an event an ORM write announces, written in the same
  transaction as the write; the relay publishes it after commit.
- ``InboxMessage``: an event a consumer group has applied, written in the same
  transaction as the handler's effect, so a redelivered message has no second effect.
- ``ProjectionPosition``: how far a projection (or a relay reading an event store's
  notification log) got, updated in the same transaction as what it produced.

Queries must name their alias: ``OutboxMessage.objects.using("learning")``.
"""

from django.db import models


class OutboxMessage(models.Model):
    """An envelope waiting to be published on the bus (``contracts`` envelope fields)."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=100)
    event_version = models.PositiveSmallIntegerField()
    #: Events of one aggregate keep their order on the stream.
    aggregate_id = models.CharField(max_length=100, blank=True)
    envelope = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_unpublished",
                condition=models.Q(published_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} v{self.event_version} ({self.event_id})"


class InboxMessage(models.Model):
    """An event a consumer group applied; the unique pair makes a second apply impossible."""

    id = models.BigAutoField(primary_key=True)
    group = models.CharField(max_length=100)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "event_id"], name="inbox_once_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.event_type} ({self.event_id})"


class ProjectionPosition(models.Model):
    """The last notification id a named reader has applied."""

    name = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"
