"""The marketplace domain's Django app: its label and the database alias it owns."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "domains.marketplace"
    label = "marketplace"
    verbose_name = "Marketplace"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "marketplace"
    default_auto_field = "django.db.models.BigAutoField"


#: This domain's database alias, for its modules (read here, never repeated).
ALIAS = MarketplaceConfig.database_alias
