"""Identity's published events, version 2: ``MemberRegistered`` gains an optional locale.

Version 1 stays published and readable: version 2 only adds an optional field, so a
version 1 consumer reads version 2 payloads (it ignores ``locale``) and a version 2
consumer reads version 1 payloads (``locale`` defaults to None).
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.registry import REGISTRY


@REGISTRY.register
@dataclass(frozen=True, kw_only=True)
class MemberRegistered(Event):
    """A person became a member; ``locale`` (BCP 47, e.g. "pt-BR") when they chose one."""

    TYPE = "identity.member_registered"
    VERSION = 2

    member_id: UUID
    display_name: str
    joined_at: datetime
    locale: str | None = None
