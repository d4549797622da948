"""Every endpoint declares what it needs: ``Public`` or ``Requires("<permission>")``.

``Requires`` reads the caller's ``scopes`` (the permission names in the verified token,
or a session member's permissions from identity's data); ``owner_field`` adds an
ownership rule: the object's owner may act without the permission (a member sees
their own account; an admin needs ``user.read`` to see someone else's). The
permission-matrix test reads these declarations from every view in the schema.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission


class Public(BasePermission):
    """Anyone, signed in or not: a deliberate choice, not a missing declaration."""

    permission_name = None

    def has_permission(self, request, view) -> bool:
        return True


def caller_scopes(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(getattr(user, "scopes", ()))


def is_admin(user) -> bool:
    """The caller holds the ``admin`` role (a token's ``roles``) or is a superuser
    (a session): for the few rules "the owner, or an admin" that no permission names."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = getattr(user, "roles", None)
    return getattr(user, "is_superuser", False) or (
        isinstance(roles, frozenset | set | tuple | list) and "admin" in roles
    )


class _Requires(BasePermission):
    permission_name: str = ""
    owner_kwarg: str | None = None
    message = "You do not have the permission this needs."

    def has_permission(self, request, view) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False  # DRF answers 401 NotAuthenticated.
        if self.permission_name in caller_scopes(request.user):
            return True
        owner = view.kwargs.get(self.owner_kwarg) if self.owner_kwarg else None
        return owner is not None and str(owner) == str(request.user.pk)


def Requires(permission: str, *, owner_kwarg: str | None = None) -> type[BasePermission]:
    """A permission class requiring ``permission``; with ``owner_kwarg``, the member
    whose id is that URL argument is allowed too (object ownership)."""
    return type(
        f"Requires[{permission}]",
        (_Requires,),
        {"permission_name": permission, "owner_kwarg": owner_kwarg},
    )


class NoApiKeys(BasePermission):
    """Not with an API key (nor a token exchanged for one): for what would let a leaked
    key take the account over or lock its owner out (password, deactivation). Added
    after ``Requires``, which stays the endpoint's declared permission."""

    message = "API keys cannot do this; sign in with the account's password."

    def has_permission(self, request, view) -> bool:
        return getattr(request.user, "kind", None) != "api_key"


def declared_permission(view_class) -> tuple[str, str | None]:
    """``("public", None)``, ``("requires", name)``, or ``("undeclared", None)``."""
    for permission in getattr(view_class, "permission_classes", ()):
        if permission is Public:
            return "public", None
        if isinstance(permission, type) and issubclass(permission, _Requires):
            return "requires", permission.permission_name
    return "undeclared", None
