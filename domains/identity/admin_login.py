"""The admin's sign-in goes through the API login's limits and lock-out (one mechanism).

- Per account: ``PlatformBackend`` (the only authentication backend) signs in through
  ``login_authenticate``, so a wrong password at ``/admin/login/`` counts towards the
  same per-account lock-out as one at ``auth/login``, and a locked account is refused
  in both places even with the right password.
- Per address: a sign-in posted to the admin counts in the API login's per-address
  window (the ``identity:login`` group of the rate limiter, at that route's rate).

Both refusals answer 429 with ``Retry-After``, as the API login does.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from common.api.problems import problem_response
from common.auth.ratelimit import over_limit
from domains.identity.api.tokens import LoginApi
from domains.identity.services.login import LoginLocked, LoginRefused, login_authenticate

#: The API login's route: its limiter group and rate are shared.
LOGIN_ENDPOINT = "identity:login"


class PlatformBackend(ModelBackend):
    """Django's model backend, but signing in through the platform's login service."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        try:
            return login_authenticate(email=username, password=password)
        except LoginRefused:
            return None
        except LoginLocked as exc:
            if request is not None:
                request.login_locked_for = exc.retry_after
            raise PermissionDenied(str(exc)) from exc


def _too_many(request, retry_after: int, detail: str):
    response = problem_response(request, 429, detail)
    response["Retry-After"] = str(max(1, retry_after))
    return response


def limited_login(login):
    """``login`` (the admin site's own view) behind the API login's per-address limit
    and lock-out; ``config/urls.py`` installs it as ``admin.site.login``, so the
    admin's URLs, names and templates stay the admin's. Wrapping twice (the URL conf
    imported again) changes nothing: every attempt counts once."""
    if getattr(login, "limited", False):
        return login

    @sensitive_post_parameters()
    @csrf_protect
    @never_cache
    def admin_login(request, extra_context=None):
        if request.method == "POST":
            limited, retry_after = over_limit(request, endpoint=LOGIN_ENDPOINT, view=LoginApi)
            if limited:
                return _too_many(request, retry_after, "Too many sign-in attempts from here.")
        response = login(request, extra_context)
        locked_for = getattr(request, "login_locked_for", None)
        if locked_for is not None:
            return _too_many(
                request, locked_for, "Too many failed sign-ins; this account is locked for a while."
            )
        return response

    admin_login.limited = True
    return admin_login
