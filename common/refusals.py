"""The one way a service refuses: ``Refused``, with a ``kind`` and an optional ``field``.

Services and domain rules raise a subclass of ``Refused``; the API's exception handler
(``common.api.problems``) maps it once to problem+json, by kind:

=================  ======  ==========================  ============================
kind               status  problem type                body
=================  ======  ==========================  ============================
``invalid``        400     ``/problems/validation-     ``errors`` names ``field``
                           error``                     (``non_field_errors``
                                                       without one)
``unauthenticated`` 401    ``/problems/authentication- ``WWW-Authenticate`` when the
                           failed``                    view authenticates (else 403)
``forbidden``      403     ``/problems/permission-
                           denied``
``not_found``      404     ``/problems/not-found``
``conflict``       409     ``/problems/conflict``
``rate_limited``   429     ``/problems/rate-limited``  ``Retry-After`` from
                                                       ``retry_after``
``unavailable``    503     ``/problems/unavailable``   ``Retry-After`` from
                                                       ``retry_after``
=================  ======  ==========================  ============================

``precondition_failed`` answers 412 ``/problems/precondition-failed``: a conditional
write whose ``If-Match`` / ``If-None-Match`` does not hold.

A built-in exception (``ValueError``, ``LookupError``, ``PermissionError``) is never a
refusal: one escaping a service is a bug and answers 500, not a misleading 400.

Pure Python (no Django), so the framework-free domain cores raise these too.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Kind = Literal[
    "invalid",
    "unauthenticated",
    "forbidden",
    "not_found",
    "conflict",
    "precondition_failed",
    "rate_limited",
    "unavailable",
]


class Refused(Exception):
    """A request the rules refuse. Subclasses set ``kind`` (and may set ``field``)."""

    kind: ClassVar[Kind] = "invalid"
    #: The input at fault, for ``invalid`` (a subclass may give a default).
    field: str | None = None
    #: The same as a path into a nested request document (``("2", "actor", "mbox")``),
    #: when there is one: the problem's ``pointer`` then follows it (``#/2/actor/mbox``).
    path: tuple[str | int, ...] | None = None
    #: Seconds before trying again, for ``rate_limited`` and ``unavailable``.
    retry_after: int | None = None

    def __init__(
        self, message: str, *, field: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field
        if retry_after is not None:
            self.retry_after = retry_after


class Invalid(Refused):
    """400: the input cannot be accepted (``field`` names it)."""

    kind = "invalid"


class Unauthenticated(Refused):
    """401: the credentials presented prove nothing."""

    kind = "unauthenticated"


class Forbidden(Refused):
    """403: the caller may not do this."""

    kind = "forbidden"


class NotFound(Refused):
    """404: there is no such thing (or the caller may not know it exists)."""

    kind = "not_found"


class Conflict(Refused):
    """409: the current state forbids it (a duplicate, a stale write, too late)."""

    kind = "conflict"


class PreconditionFailed(Refused):
    """412: the caller's precondition (``If-Match`` / ``If-None-Match``) does not hold."""

    kind = "precondition_failed"


class RateLimited(Refused):
    """429: too many attempts; ``retry_after`` seconds until the next one may succeed."""

    kind = "rate_limited"


class Unavailable(Refused):
    """503: the request could not be done now and nothing of it was kept; ``retry_after``
    seconds until a retry may succeed."""

    kind = "unavailable"
    retry_after = 1
