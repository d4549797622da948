"""What a space is listed with: its status and the accessibility features we record."""

from enum import StrEnum


class SpaceStatus(StrEnum):
    #: Being described; not visible.
    DRAFT = "draft"
    #: Visible and, once its credentials are verified, bookable.
    LISTED = "listed"
    #: Taken down by a moderator or by a lapsed credential.
    SUSPENDED = "suspended"


ACCESSIBILITY_FEATURES = frozenset(
    {"step_free_access", "accessible_toilet", "hearing_loop", "quiet_room", "sign_language"}
)
