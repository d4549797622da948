"""The ``common`` app: installed so its management commands and checks are found."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    label = "common"
    verbose_name = "Platform common"

    def ready(self) -> None:
        from django.conf import settings

        from common import checks  # noqa: F401 - registers the system checks
        from common.observability.tracing import configure_tracing

        configure_tracing(settings.SERVICE)
