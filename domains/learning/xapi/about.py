"""``/xapi/about`` (xAPI-Communication §2.8): the versions this LRS speaks. Public,
and the one resource that needs no version header."""

from django.http import JsonResponse

from common.auth.permissions import Public
from domains.learning.xapi.base import VERSION, XapiView


class AboutApi(XapiView):
    permission_classes = [Public]
    authentication_classes: list = []
    version_required = False

    def get(self, request):
        return JsonResponse({"version": [VERSION, "1.0.2", "1.0.1", "1.0.0"], "extensions": {}})
