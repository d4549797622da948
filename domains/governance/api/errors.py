"""Governance's refusals as problem documents, the same way in every view."""

from contextlib import contextmanager

from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from common.api.problems import Conflict
from domains.governance.domain.proposal import NotAllowedNow, ProposalRefused
from domains.governance.register import NotInRegister
from domains.governance.services import ProposalNotFound


@contextmanager
def as_problems():
    """400 for bad input, 403 for who is asking, 404 for what is missing, 409 for when."""
    try:
        yield
    except (ProposalNotFound, NotInRegister) as exc:
        raise NotFound(str(exc)) from exc
    except NotAllowedNow as exc:
        raise Conflict(str(exc)) from exc
    except ProposalRefused as exc:
        raise ValidationError({exc.field or "non_field_errors": [str(exc)]}) from exc
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
