"""``/.well-known/jwks.json``: the public keys access tokens are verified with.

Outside the versioned API (its address is a convention every JWT library knows);
cacheable for a minute, well under the JWKS cache and rotation grace.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from domains.identity.selectors import jwks_document


@require_GET
@cache_control(public=True, max_age=60)
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(jwks_document(), content_type="application/jwk-set+json")


urlpatterns = [path("jwks.json", jwks, name="jwks")]
