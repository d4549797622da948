"""Who may drive the migration over the REST API: members holding the admin role.

A role rather than a named permission because the permission catalogue belongs to the
identity domain; a ``gateway.manage`` permission there is the refinement (docs/gateway.md).
"""

from rest_framework.permissions import BasePermission

ADMIN_ROLE = "admin"


class AdminRole(BasePermission):
    message = "Only admins change the gateway's routes."

    def has_permission(self, request, view) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False  # DRF answers 401.
        return ADMIN_ROLE in getattr(request.user, "roles", ())
