"""The passport domain's Django app: its label and the database alias it owns."""

from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "domains.passport"
    label = "passport"
    verbose_name = "Passport"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "passport"
    default_auto_field = "django.db.models.BigAutoField"
