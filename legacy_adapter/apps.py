"""The legacy adapter's Django app: sync checkpoints in ``default``, sync commands."""

from django.apps import AppConfig


class LegacyAdapterConfig(AppConfig):
    name = "legacy_adapter"
    label = "legacy_adapter"
    verbose_name = "Legacy adapter"
    database_alias = "default"
    default_auto_field = "django.db.models.BigAutoField"
