"""The ``eventing`` app: outbox, inbox and position tables, present in every database.

Every domain publishes and consumes, always inside its own database's transaction, so
these tables exist once per alias and every query names its alias explicitly
(``.using(alias)``); the router refuses to guess. After ``migrate`` the event-sourced
applications' tables are created in their alias too. When the registry is ready, each
installed app's ``handlers`` module is imported so its subscriptions register.
"""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class EventingConfig(AppConfig):
    name = "eventing"
    label = "eventing"
    verbose_name = "Event bus"
    #: config.router.ALL_ALIASES: these tables exist in every database.
    database_alias = "*"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from eventing.eventstore import event_store_tables_create

        autodiscover_modules("handlers")
        # After each database's migrations: the event stores' tables in that database.
        post_migrate.connect(event_store_tables_create, sender=self)
