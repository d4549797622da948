"""The ``eventing`` app: outbox, inbox and position tables, present in every database.

Every domain publishes and consumes, always inside its own database's transaction, so
these tables exist once per alias and every query names its alias explicitly
(``.using(alias)``); the router refuses to guess. When the registry is ready, each
installed app's ``handlers`` module is imported so its subscriptions register.
"""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class EventingConfig(AppConfig):
    name = "eventing"
    label = "eventing"
    verbose_name = "Event bus"
    #: config.router.ALL_ALIASES: these tables exist in every database.
    database_alias = "*"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        autodiscover_modules("handlers")
