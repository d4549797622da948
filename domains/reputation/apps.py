"""The reputation domain's Django app: its label, database alias and event store."""

from django.apps import AppConfig


class ReputationConfig(AppConfig):
    name = "domains.reputation"
    label = "reputation"
    verbose_name = "Reputation"
    #: Read by config.router.DomainRouter: every table of this app lives here.
    database_alias = "reputation"
    default_auto_field = "django.db.models.BigAutoField"
    #: Event-sourced applications whose events the relay publishes (eventing.sources).
    event_applications = ["domains.reputation.application.ReputationApplication"]
    #: Read models kept by run_projections and rebuilt by rebuild_projection.
    projections = ["domains.reputation.projections.RatingsProjection"]


#: This domain's database alias, for its modules (read here, never repeated).
ALIAS = ReputationConfig.database_alias
