"""The route table, the gateway's global flags, shadow mismatches and traffic counts.

All in the ``default`` database. ``GatewayState.version`` goes up with every change, so
each process can tell with one cheap query whether its cached table is stale.
"""

import uuid

from django.db import models

from gateway.modes import RouteMode

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class Route(models.Model):
    """An endpoint of the legacy API contract (method + path pattern) and where it goes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    method = models.CharField(max_length=10)
    path_pattern = models.CharField(max_length=300, help_text="e.g. /api/users/{id}")
    legacy_target = models.CharField(max_length=300, help_text="Path on the legacy service.")
    new_target = models.CharField(
        max_length=300, blank=True, help_text="Path of the domain's endpoint, e.g. /api/v1/..."
    )
    translator = models.CharField(
        max_length=40, blank=True, help_text="Anti-corruption translator, e.g. spaces.list."
    )
    mode = models.CharField(
        max_length=10,
        choices=[(m.value, m.name.title()) for m in RouteMode],
        default=RouteMode.LEGACY,
    )
    canary_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    cohort_user_ids = models.JSONField(default=list, blank=True)
    cohort_roles = models.JSONField(default=list, blank=True)
    cohort_header = models.CharField(max_length=100, blank=True, help_text="e.g. X-Canary: yes")
    killed = models.BooleanField(default=False, help_text="Kill switch: legacy serves.")
    #: Shadow comparison: field names dropped everywhere before comparing.
    ignore_fields = models.JSONField(default=list, blank=True)
    ignore_order = models.BooleanField(default=False)
    max_concurrency = models.PositiveIntegerField(default=0, help_text="Per process; 0: none.")
    last_legacy_at = models.DateTimeField(null=True, blank=True)
    last_new_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path_pattern", "method"]
        constraints = [
            models.UniqueConstraint(fields=["method", "path_pattern"], name="route_method_path"),
            models.CheckConstraint(
                condition=models.Q(method__in=METHODS), name="route_method_known"
            ),
            models.CheckConstraint(
                condition=models.Q(canary_percent__gte=0, canary_percent__lte=100),
                name="route_canary_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path_pattern} ({self.mode})"

    @property
    def key(self) -> str:
        return f"{self.method} {self.path_pattern}"


class GatewayState(models.Model):
    """The one row of global flags: kill-all, degradation flags, the table's version."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.BigIntegerField(default=0)
    kill_all = models.BooleanField(default=False)
    #: Degradation flags: name -> on (non-critical work switched off under stress).
    degraded = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="gateway_state_single")
        ]

    def __str__(self) -> str:
        return f"gateway flags v{self.version}"


class ShadowMismatch(models.Model):
    """A shadowed read whose new answer differed from legacy's, with a sample diff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="mismatches")
    path = models.CharField(max_length=500)
    legacy_status = models.PositiveSmallIntegerField()
    new_status = models.PositiveSmallIntegerField()
    diff = models.TextField()
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"mismatch on {self.path} at {self.occurred_at:%Y-%m-%d %H:%M}"


class RouteTraffic(models.Model):
    """Requests per route, hour and target (``legacy``, ``new``, ``shadow-match``,
    ``shadow-mismatch``, ``fallback``), flushed in batches by each process."""

    id = models.BigAutoField(primary_key=True)
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="traffic")
    hour = models.DateTimeField()
    target = models.CharField(max_length=20)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["route", "hour", "target"], name="route_traffic_slot")
        ]

    def __str__(self) -> str:
        return f"{self.target} x{self.count} at {self.hour:%Y-%m-%d %H:00}"
