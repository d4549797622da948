"""The ``eventing`` app: outbox, inbox and position tables, present in every database.

Every domain publishes and consumes, always inside its own database's transaction, so
these tables exist once per alias (``database_alias = ALL_ALIASES``) and every query
names its alias explicitly (``.using(alias)``); the router refuses to guess.
"""

from django.apps import AppConfig


class EventingConfig(AppConfig):
    name = "eventing"
    label = "eventing"
    verbose_name = "Event bus"
    #: config.router.ALL_ALIASES: these tables exist in every database.
    database_alias = "*"
    default_auto_field = "django.db.models.BigAutoField"
