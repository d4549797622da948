"""The governance domain's Django app: its label, database alias and event store."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "domains.governance"
    label = "governance"
    verbose_name = "Governance"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "governance"
    default_auto_field = "django.db.models.BigAutoField"
    #: Event-sourced applications whose events the relay publishes (eventing.sources).
    event_applications = ["domains.governance.application.GovernanceApplication"]
    #: Read models kept by run_projections and rebuilt by rebuild_projection (the
    #: register is not one of them: see projections.py).
    projections = ["domains.governance.projections.ProposalsProjection"]


#: This domain's database alias, for its modules (read here, never repeated).
ALIAS = GovernanceConfig.database_alias
