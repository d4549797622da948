"""``/xapi/about`` (xAPI-Communication §2.8): the versions this LRS speaks. Public,
and the one resource that needs no version header.

Both versions are listed (2.0.0 and 1.0.3, with the 1.0.x patches 1.0.3 answers for),
except to a request that announces a 1.0.x version: it gets the 1.0.x versions only.
1.0.x clients check the list against the versions they know and fail on an unknown
one (Rustici's TinCanPython raises on "2.0.0"), and a 1.0.x client has no use for
2.0 anyway.
"""

from django.http import JsonResponse

from common.auth.permissions import Public
from domains.learning.domain.xapi.versions import ABOUT_VERSIONS, XAPI_1_0_3, negotiate
from domains.learning.xapi.base import VERSION_HEADER, XapiView


class AboutApi(XapiView):
    permission_classes = [Public]
    authentication_classes: list = []
    version_required = False

    def get(self, request):
        versions = ABOUT_VERSIONS
        if negotiate(request.headers.get(VERSION_HEADER)) == XAPI_1_0_3:
            versions = [v for v in ABOUT_VERSIONS if v.startswith("1.0")]
        return JsonResponse({"version": versions, "extensions": {}})
