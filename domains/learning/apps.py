"""The learning domain's Django app: its label and the database alias it owns."""

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "domains.learning"
    label = "learning"
    verbose_name = "Learning"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "learning"
    default_auto_field = "django.db.models.BigAutoField"


#: This domain's database alias, for its modules (read here, never repeated).
ALIAS = LearningConfig.database_alias
