"""How far each resource's copy from legacy got: the backfill cursor and the watermark.

A backfill stores its cursor (the last legacy number copied) after every page, so an
interrupted run resumes there; the incremental sync stores the newest legacy change
stamp it has applied, and asks legacy only for changes after it.
"""

from django.db import models


class SyncState(models.Model):
    resource = models.CharField(max_length=40, primary_key=True)
    backfill_cursor = models.PositiveBigIntegerField(default=0)
    backfill_done = models.BooleanField(default=False)
    #: Newest legacy change stamp applied, sortable form ``YYYY-MM-DD HH:MM`` (legacy local time).
    watermark = models.CharField(max_length=16, blank=True)
    last_summary = models.JSONField(default=dict, blank=True)
    #: The last ``reconcile``: ``{"at": ISO time, "differences": n}`` (the delete gate).
    last_reconcile = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.resource}: cursor {self.backfill_cursor}, watermark {self.watermark or '-'}"


class LegacyCall(models.Model):
    """Calls made to the legacy system, per UTC day, caller and endpoint.

    ``caller`` is ``gateway`` (a request proxied by the strangler), ``port:<capability>``
    (domain code through a port's legacy side) or ``sync:<resource>`` (the data copy);
    ``endpoint`` is the method and the legacy path with numbers as ``{n}``. Written in
    batches by each process (``legacy_adapter.usage``); read by ``legacy_usage`` and the
    migration dashboard, and by the "ready to delete" gate.
    """

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    caller = models.CharField(max_length=60)
    endpoint = models.CharField(max_length=200)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "caller", "endpoint"], name="legacy_call_slot")
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.endpoint} x{self.count} on {self.day}"


class RetiredCapability(models.Model):
    """A capability whose legacy side is gone (``manage.py legacy_retire``): its routes
    are retired, its port runs on the new side whatever ``LEGACY_PORTS`` says, and its
    resources have no sync. Every process reads this table at call time."""

    name = models.CharField(max_length=40, primary_key=True)
    retired_at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.name} (retired {self.retired_at:%Y-%m-%d})"
