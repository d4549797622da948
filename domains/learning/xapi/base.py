"""What every xAPI resource shares (xAPI-Communication §1, §3, §6).

- ``X-Experience-API-Version``: required on every request except ``/about`` (400
  otherwise); ``1.0.x`` gets xAPI 1.0.3, ``2.0.x`` xAPI 2.0 (``self.xapi_version``),
  and every response, errors included, carries the version applied.
- Alternate request syntax (§1.3): ``POST ...?method=PUT`` with a form body carrying
  the headers, the parameters and ``content``; it is rewritten into the request it
  stands for before authentication runs. xAPI 2.0 removed it: a 2.0 request using it
  is a 400.
- CORS for browser content: preflights answered here, the allowed origins from
  ``LRS_CORS_ALLOWED_ORIGINS`` (credentials travel in Authorization, never cookies).
- Errors are RFC 9457 problem+json like the rest of the platform (docs/xapi.md): the
  rules raise ``common.refusals`` (``XapiInvalid``, the services' refusals), which the
  API's exception handler maps once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse, QueryDict
from rest_framework.exceptions import APIException, ParseError
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from common.api.json_limits import JsonRefused, json_loads_limited
from common.api.problems import problem_response
from common.auth.permissions import Requires
from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.domain.xapi.versions import XAPI_1_0_3, XAPI_2_0, negotiate
from domains.learning.xapi.auth import WRITE, LrsBasicAuthentication, XapiBearerAuthentication

VERSION = XAPI_1_0_3
VERSION_HEADER = "X-Experience-API-Version"
#: Form fields of the alternate syntax that stand for request headers.
_FORM_HEADERS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}
_EXPOSED = (
    "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
    "X-Experience-API-Consistent-Through"
)


class TooLarge(APIException):
    """413: a body over ``LRS_MAX_BODY_BYTES`` (Communication §3.2, both versions)."""

    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class XapiView(APIView):
    authentication_classes = [LrsBasicAuthentication, XapiBearerAuthentication]
    permission_classes = [Requires(WRITE)]
    parser_classes: list = []
    #: The LRS is not part of the /api/v1 OpenAPI document; xAPI is its contract.
    schema = None
    rate_limit = settings.LRS_RATE_LIMIT
    version_required = True

    def dispatch(self, request, *args, **kwargs):
        self._raw_body: bytes | None = None
        self.xapi_version = negotiate(request.headers.get(VERSION_HEADER)) or VERSION
        #: HEAD answers the GET's status and headers; views build no body for it.
        self.head_only = request.method == "HEAD"
        if request.method == "OPTIONS":
            return self._cors(request, HttpResponse(status=200), preflight=True)
        if request.method == "POST" and "method" in request.GET:
            announced = self.xapi_version
            refused = self._alternate_syntax(request)
            if refused is None and XAPI_2_0 in (announced, self.xapi_version):
                self.xapi_version = XAPI_2_0
                refused = problem_response(
                    request, 400, "xAPI 2.0 has no alternate request syntax (IEEE 9274.1.1)."
                )
            if refused is not None:
                return self._cors(request, refused)
        return super().dispatch(request, *args, **kwargs)

    def _alternate_syntax(self, request) -> HttpResponse | None:
        method = request.GET["method"].upper()
        if set(request.GET) != {"method"} or method not in ("GET", "PUT", "POST", "DELETE"):
            return problem_response(
                request, 400, "The alternate syntax takes only 'method' in the query."
            )
        if not request.content_type.startswith("application/x-www-form-urlencoded"):
            return problem_response(
                request, 400, "The alternate syntax needs an x-www-form-urlencoded body."
            )
        form = [(name, value) for name, values in request.POST.lists() for value in values]
        query = QueryDict(mutable=True)
        content = b""
        # A form without a Content-Type field sends JSON (what xAPI content is; the ADL
        # reference LRS reads it so): the request's own type describes the form.
        request.META["CONTENT_TYPE"] = "application/json"
        for name, value in form:
            meta = _FORM_HEADERS.get(name.lower())
            if meta:
                request.META[meta] = value
            elif name == "content":
                content = value.encode()
            else:
                query.appendlist(name, value)
        self.xapi_version = negotiate(request.META.get("HTTP_X_EXPERIENCE_API_VERSION")) or VERSION
        request.method = method
        request.GET = query
        request.__dict__.pop("headers", None)  # a cached view of META: rebuild it
        request.META["CONTENT_LENGTH"] = str(len(content))
        self._raw_body = content
        return None

    def _read(self, request) -> bytes:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.LRS_MAX_BODY_BYTES:
            raise TooLarge(f"The body exceeds {settings.LRS_MAX_BODY_BYTES} bytes.")
        body = request.read(settings.LRS_MAX_BODY_BYTES + 1)
        if len(body) > settings.LRS_MAX_BODY_BYTES:  # a Content-Length that understated it
            raise TooLarge(f"The body exceeds {settings.LRS_MAX_BODY_BYTES} bytes.")
        return body

    def raw_body(self, request) -> bytes:
        if self._raw_body is None:
            self._raw_body = self._read(request._request)
        return self._raw_body

    def perform_content_negotiation(self, request, force=False):
        # xAPI's ``format`` parameter is not DRF's renderer override: always JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.version_required and negotiate(request.headers.get(VERSION_HEADER)) is None:
            raise ParseError(
                f"Send the {VERSION_HEADER} header (1.0.x or 2.0.x); this LRS speaks "
                f"xAPI {XAPI_1_0_3} and {XAPI_2_0}."
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return self._cors(request, response)

    def response_headers(self, response) -> None:
        """Headers a resource adds to every response it gives (errors included)."""

    def _cors(self, request, response, *, preflight: bool = False):
        """Every response leaves through here: the version header, then CORS."""
        response[VERSION_HEADER] = self.xapi_version
        self.response_headers(response)
        origin = request.headers.get("Origin")
        allowed = settings.LRS_CORS_ALLOWED_ORIGINS
        if origin and ("*" in allowed or origin in allowed):
            response["Access-Control-Allow-Origin"] = origin if "*" not in allowed else "*"
            response["Access-Control-Expose-Headers"] = _EXPOSED
            if preflight:
                response["Access-Control-Allow-Methods"] = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
                response["Access-Control-Allow-Headers"] = (
                    "Authorization, Content-Type, If-Match, If-None-Match, X-Experience-API-Version"
                )
                response["Access-Control-Max-Age"] = "86400"
        return response

    def json_body(self, request) -> Any:
        raw = self.raw_body(request)
        try:
            return json_loads_limited(raw, max_depth=settings.JSON_MAX_DEPTH)
        except JsonRefused as exc:
            raise XapiInvalid(exc.path, exc.message) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"The body is not valid JSON: {exc}") from exc
