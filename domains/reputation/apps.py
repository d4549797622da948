"""The reputation domain's Django app: its label and the database alias it owns."""

from django.apps import AppConfig


class ReputationConfig(AppConfig):
    name = "domains.reputation"
    label = "reputation"
    verbose_name = "Reputation"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "reputation"
    default_auto_field = "django.db.models.BigAutoField"
