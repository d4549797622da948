"""The identity domain's Django app: its label, the database alias it owns, and the
seeding of the role and permission catalogue after every migrate or flush."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IdentityConfig(AppConfig):
    name = "domains.identity"
    label = "identity"
    verbose_name = "Identity"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from domains.identity.catalogue import catalogue_seed

        # Like Django's own permissions: a flush (``manage.py flush``, transactional
        # tests) empties the tables, and the next post_migrate puts the seed back.
        post_migrate.connect(catalogue_seed, sender=self)


#: This domain's database alias, for its modules (read here, never repeated).
ALIAS = IdentityConfig.database_alias
