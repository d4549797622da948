"""The identity domain's Django app: its label and the database alias it owns."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "domains.identity"
    label = "identity"
    verbose_name = "Identity"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "identity"
    default_auto_field = "django.db.models.BigAutoField"
