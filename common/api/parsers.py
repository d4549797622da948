"""The API's JSON parser: DRF's, with the platform's size, depth and NUL limits
(``common.api.json_limits``). Bodies over ``API_MAX_BODY_BYTES`` answer 413."""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from common.api.json_limits import JsonRefused, json_loads_limited


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def body_read_limited(stream, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``; 413 beyond (a declared length is refused
    before anything is read; a chunked body once it passes the limit)."""
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
    return raw


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
        raw = body_read_limited(stream, limit)
        try:
            return json_loads_limited(
                raw.decode(self._encoding(parser_context)), max_depth=settings.JSON_MAX_DEPTH
            )
        except JsonRefused as exc:
            raise exceptions.ParseError(str(exc)) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc

    @staticmethod
    def _encoding(parser_context) -> str:
        return (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
