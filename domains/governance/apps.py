"""The governance domain's Django app: its label and the database alias it owns."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "domains.governance"
    label = "governance"
    verbose_name = "Governance"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "governance"
    default_auto_field = "django.db.models.BigAutoField"
