"""A system check that refuses any relation between models of different databases.

The router keeps every app on its own alias, but a ``ForeignKey("otherapp.Model")``
written as a string is invisible to import-linter and would only fail at run time,
on the first join that crosses databases. ``manage.py check`` (and so every start,
migration and test run) walks the model graph instead and names the offending field.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core import checks
from django.db import models, router


def _alias(model: type[models.Model]) -> str:
    """The model's database, or ``*`` for tables that exist in every database."""
    try:
        return router.db_for_write(model)
    except LookupError:
        return "*"


def cross_database_relations(model_list: Iterable[type[models.Model]]) -> list[checks.Error]:
    """One error per relation field whose two ends are routed to different aliases."""
    errors = []
    for model in model_list:
        own = _alias(model)
        for field in model._meta.get_fields(include_hidden=True):
            related = getattr(field, "related_model", None)
            if not field.is_relation or related is None or field.auto_created:
                continue
            if isinstance(related, str):
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} points at {related!r}, "
                        "which is not an installed model.",
                        obj=field,
                        id="common.E002",
                    )
                )
                continue
            other = _alias(related)
            if other != own:
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} relates a model in database "
                        f"'{own}' to {related._meta.label} in database '{other}'.",
                        hint="Refer to rows of another domain by id, never by a foreign key.",
                        obj=field,
                        id="common.E001",
                    )
                )
    return errors


@checks.register(checks.Tags.models)
def check_relations_stay_in_one_database(app_configs=None, **kwargs) -> list[checks.Error]:
    configs = app_configs or apps.get_app_configs()
    return cross_database_relations(
        model for config in configs for model in config.get_models(include_auto_created=True)
    )
