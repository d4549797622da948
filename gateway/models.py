"""The route table: one row per public endpoint of the legacy API contract."""

import uuid

from django.db import models

from gateway.modes import RouteMode


class Route(models.Model):
    """An endpoint (method + path pattern) and where its traffic goes now."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    method = models.CharField(max_length=10)
    path_pattern = models.CharField(max_length=300, help_text="e.g. /api/users/{id}")
    legacy_target = models.CharField(max_length=300, help_text="Path on the legacy service.")
    mode = models.CharField(
        max_length=10,
        choices=[(m.value, m.name.title()) for m in RouteMode],
        default=RouteMode.LEGACY,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path_pattern", "method"]
        constraints = [
            models.UniqueConstraint(fields=["method", "path_pattern"], name="route_method_path"),
            models.CheckConstraint(
                condition=models.Q(method__in=["GET", "POST", "PUT", "PATCH", "DELETE"]),
                name="route_method_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path_pattern} ({self.mode})"
