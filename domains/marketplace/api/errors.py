"""Service refusals as problem details: 400, 403, 404 or 409, never a 500."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from common.api.problems import Conflict
from domains.marketplace.services.errors import (
    InvalidRequest,
    NotAllowed,
    StateConflict,
)


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    try:
        yield
    except ObjectDoesNotExist as exc:
        raise NotFound("No such space, booking, credential or rating.") from exc
    except InvalidRequest as exc:
        raise ValidationError({exc.field or "non_field_errors": [str(exc)]}) from exc
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except StateConflict as exc:
        raise Conflict(str(exc)) from exc
