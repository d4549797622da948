"""What a space is listed with: its status and the accessibility features we record."""

from enum import StrEnum


class SpaceStatus(StrEnum):
    #: Being described; not visible.
    DRAFT = "draft"
    #: Visible and, once its credentials are verified, bookable.
    LISTED = "listed"
    #: Taken down by a moderator (only a moderator puts it back).
    SUSPENDED = "suspended"
    #: Was listed; its last valid credential lapsed or was revoked. Not visible, not
    #: bookable; listed again by itself once a renewed credential is verified.
    UNLISTED = "unlisted"


ACCESSIBILITY_FEATURES = frozenset(
    {"step_free_access", "accessible_toilet", "hearing_loop", "quiet_room", "sign_language"}
)
