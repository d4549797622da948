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
