"""URLs of this process: health, API schema and docs, admin, and each served part's API.

Only the parts selected by ``SERVICE`` are mounted, so a per-domain process answers
404 for every other domain's URLs.
"""

from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common.health.views import health, ready
from common.observability.views import metrics

urlpatterns = [
    path("health", health, name="health"),
    path("ready", ready, name="ready"),
    path("metrics", metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

for part in settings.PARTS:
    for app in part.apps:
        if part.api_prefix and find_spec(f"{app}.urls"):
            urlpatterns.append(path(f"api/v1/{part.api_prefix}/", include(f"{app}.urls")))
        # URLs outside the versioned API (xAPI under /xapi/, public credential links).
        if find_spec(f"{app}.root_urls"):
            urlpatterns.append(path("", include(f"{app}.root_urls")))

if "domains.identity" in settings.INSTALLED_APPS:
    urlpatterns.append(path(".well-known/", include("domains.identity.wellknown")))

if settings.SERVES_ADMIN:
    from django.contrib import admin

    admin.site.site_header = "Learning community platform"
    admin.site.site_title = "Platform admin"
    from domains.identity.admin_login import limited_login

    # The admin's sign-in shares the API login's limits and lock-out.
    admin.site.login = limited_login(admin.site.login)
    urlpatterns.append(path("admin/", admin.site.urls))

handler400 = "common.api.problems.bad_request"
handler403 = "common.api.problems.forbidden"
handler404 = "common.api.problems.not_found"
handler500 = "common.api.problems.server_error"
