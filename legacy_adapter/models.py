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
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.resource}: cursor {self.backfill_cursor}, watermark {self.watermark or '-'}"
