"""The gateway's Django app; its tables live in the ``default`` database."""

from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "gateway"
    label = "gateway"
    verbose_name = "Strangler gateway"
    database_alias = "default"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gateway import checks  # noqa: F401 - registers the system checks
