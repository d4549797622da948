"""The passport domain's Django app: its label, database alias and event store."""

from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "domains.passport"
    label = "passport"
    verbose_name = "Passport"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "passport"
    default_auto_field = "django.db.models.BigAutoField"
    #: Event-sourced applications whose events the relay publishes (eventing.sources).
    event_applications = ["domains.passport.application.PassportApplication"]
    #: Read models kept by run_projections and rebuilt by rebuild_projection.
    projections = ["domains.passport.projections.CredentialsProjection"]

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from domains.passport.aggregation import rules_changed
        from domains.passport.models import Competency, CompetencyFramework, MappingRule

        # Snapshots hold what the rules made of the evidence (aggregation.py).
        for model in (MappingRule, Competency, CompetencyFramework):
            for signal in (post_save, post_delete):
                signal.connect(rules_changed, sender=model, dispatch_uid=f"snapshots-{model}")


#: This domain's database alias, for its modules (read here, never repeated).
ALIAS = PassportConfig.database_alias
