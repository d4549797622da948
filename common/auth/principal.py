"""Who is calling, built from a verified token's claims alone: no user table needed.

Processes that do not serve identity have no user model; ``request.user`` is a
``Principal``. Where users are served, a session user answers the same questions
(``roles``, ``scopes``) from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Principal:
    """A member, a service or an API-key client, as its token describes it."""

    id: UUID | str
    kind: str  # "member", "service" or "api_key"
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    is_authenticated = True
    is_anonymous = False
    is_active = True

    @property
    def pk(self) -> UUID | str:
        return self.id

    def has_scope(self, name: str) -> bool:
        return name in self.scopes
