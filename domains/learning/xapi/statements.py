"""``/xapi/statements`` (xAPI-Communication §2.1): PUT, POST, GET (and HEAD).

Every response, errors included, carries ``X-Experience-API-Consistent-Through``
(§2.1.3: clients read it after any request). HEAD runs the GET's query and answers
its status and headers without building a body. A 1.0.3 client reads statements a
2.0 client stored without the properties 1.0.3 does not define (``contextAgents``,
``contextGroups``); ``version`` is kept as stored (Data §2.4.10, both versions).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.exceptions import NotFound, ParseError

from common.api.json_limits import JsonRefused, json_loads_limited
from domains.learning.domain.xapi.agents import agent_from_query, agent_ifi
from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.domain.xapi.formats import format_timestamp, is_uuid, parse_timestamp
from domains.learning.domain.xapi.formats_out import (
    accept_languages,
    statement_canonical_format,
    statement_for_1_0_3,
    statement_ids_format,
)
from domains.learning.domain.xapi.multipart import (
    attachment_parts,
    multipart_build,
    multipart_parse,
)
from domains.learning.domain.xapi.validation import agent as agent_validate
from domains.learning.domain.xapi.versions import XAPI_2_0
from domains.learning.models import Attachment
from domains.learning.selectors import StatementQuery, statement_get, statement_list
from domains.learning.services.statements import consistency_lag_seconds, statements_store
from domains.learning.xapi.base import XapiView

SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
LIST_PARAMS = {
    "agent", "verb", "activity", "registration", "related_activities", "related_agents",
    "since", "until", "limit", "format", "attachments", "ascending",
}  # fmt: skip
MORE_SALT = "learning.xapi.more"


def _bool(params, name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise XapiInvalid((name,), "must be true or false")
    return value == "true"


def _json(data: Any, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, separators=(",", ":")), status=status, content_type="application/json"
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def consistent_through() -> str:
    """Statements stored before this instant are committed or rolled back (docs/xapi.md)."""
    return format_timestamp(timezone.now() - timedelta(seconds=consistency_lag_seconds()))


class StatementsApi(XapiView):
    def response_headers(self, response) -> None:
        response["X-Experience-API-Consistent-Through"] = consistent_through()

    def put(self, request):
        params = request.query_params
        if set(params) - {"statementId"}:
            raise XapiInvalid(
                (sorted(set(params) - {"statementId"})[0],), "is not a parameter here"
            )
        statement_id = params.get("statementId")
        if not is_uuid(statement_id):
            raise XapiInvalid(("statementId",), "is required and must be a UUID")
        statements, attachments = self._statements(request)
        if not isinstance(statements, dict):
            raise XapiInvalid(("statement",), "PUT takes one statement object")
        if "id" in statements and str(statements["id"]).lower() != statement_id.lower():
            raise XapiInvalid(("id",), "differs from the statementId parameter")
        statements = {**statements, "id": statement_id.lower()}
        self._store([statements], attachments, request, batch=False)
        return HttpResponse(status=204)

    def post(self, request):
        if request.query_params:
            raise XapiInvalid((next(iter(request.query_params)),), "is not a parameter here")
        statements, attachments = self._statements(request)
        batch = isinstance(statements, list)
        ids = self._store(statements if batch else [statements], attachments, request, batch=batch)
        return _json(ids)

    def _statements(self, request) -> tuple[Any, dict[str, tuple[str, bytes]]]:
        """The statement(s) and the attachments' (content type, content) by SHA-2."""
        content_type = request.META.get("CONTENT_TYPE", "")
        body = self.raw_body(request)
        if content_type.startswith("multipart/mixed"):
            parts = multipart_parse(body, content_type)
            if not parts[0].headers.get("content-type", "").startswith("application/json"):
                raise XapiInvalid(("body", 0), "the first part must be application/json statements")
            attachments = {
                sha2: (part.headers.get("content-type", ""), part.content)
                for sha2, part in attachment_parts(parts).items()
            }
            body = parts[0].content
        elif content_type.startswith("application/json"):
            attachments = {}
        else:
            raise ParseError("Send statements as application/json or multipart/mixed.")
        try:
            return json_loads_limited(body, max_depth=settings.JSON_MAX_DEPTH), attachments
        except JsonRefused as exc:
            raise XapiInvalid(exc.path, exc.message) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"The statements are not valid JSON: {exc}") from exc

    def _store(self, statements: list, attachments: dict, request, *, batch: bool):
        return statements_store(
            statements=statements,
            authority=request.user.claims["authority"],
            batch=batch,
            attachments=attachments,
            version=self.xapi_version,
        )

    def get(self, request):
        params = request.query_params
        if params.get("format", "exact") not in ("exact", "ids", "canonical"):
            raise XapiInvalid(("format",), "must be ids, exact or canonical")
        if "statementId" in params or "voidedStatementId" in params:
            return self._single(request, params)
        if "more" in params:
            if set(params) != {"more"}:
                raise XapiInvalid(("more",), "takes no other parameters")
            try:
                saved = signing.loads(params["more"], salt=MORE_SALT)
            except signing.BadSignature as exc:
                raise XapiInvalid(("more",), "is not a link this LRS issued") from exc
            return self._list(request, saved["q"], after=saved["a"])
        unknown = set(params) - LIST_PARAMS
        if unknown:
            raise XapiInvalid((sorted(unknown)[0],), "is not a statement query parameter")
        return self._list(request, dict(params.items()), after=None)

    def _single(self, request, params):
        if "statementId" in params and "voidedStatementId" in params:
            raise XapiInvalid(("voidedStatementId",), "cannot be combined with statementId")
        unknown = set(params) - SINGLE_PARAMS
        if unknown:
            raise XapiInvalid((sorted(unknown)[0],), "cannot be combined with a statement id")
        voided = "voidedStatementId" in params
        name = "voidedStatementId" if voided else "statementId"
        if not is_uuid(params[name]):
            raise XapiInvalid((name,), "must be a UUID")
        statement = statement_get(statement_id=UUID(params[name]), voided=voided)
        if statement is None or not self._may_read(request, statement.authority_ifi):
            raise NotFound(f"No {'voided ' if voided else ''}statement with this id.")
        document = None if self.head_only else self._format(request, params, statement.document)
        return self._respond(
            request,
            params,
            document,
            [statement.document],
            Last_Modified=http_date(statement.stored.timestamp()),
        )

    def _may_read(self, request, authority_ifi: str) -> bool:
        claims = request.user.claims
        return claims["read_all"] or authority_ifi == agent_ifi(claims["authority"])

    def _query(self, request, params: dict[str, str], after) -> StatementQuery:
        agent_ifi_value = None
        if "agent" in params:
            try:
                agent = agent_from_query(params["agent"])
            except ValueError as exc:
                raise XapiInvalid(("agent",), "must be a JSON agent or group object") from exc
            agent_validate(agent, ("agent",))
            agent_ifi_value = agent_ifi(agent)
        times = {}
        for name in ("since", "until"):
            if name in params:
                times[name] = parse_timestamp(params[name])
                if times[name] is None:
                    raise XapiInvalid((name,), "must be an ISO 8601 timestamp")
        if "registration" in params and not is_uuid(params["registration"]):
            raise XapiInvalid(("registration",), "must be a UUID")
        claims = request.user.claims
        return StatementQuery(
            agent_ifi=agent_ifi_value,
            verb=params.get("verb"),
            activity=params.get("activity"),
            registration=UUID(params["registration"]) if "registration" in params else None,
            related_activities=_bool(params, "related_activities"),
            related_agents=_bool(params, "related_agents"),
            since=times.get("since"),
            until=times.get("until"),
            ascending=_bool(params, "ascending"),
            authority_ifi=None if claims["read_all"] else agent_ifi(claims["authority"]),
            after=(parse_timestamp(after[0]), UUID(after[1])) if after else None,
        )

    def _list(self, request, params: dict[str, str], *, after):
        query = self._query(request, params, after)
        try:
            limit = int(params.get("limit", "0"))
        except ValueError as exc:
            raise XapiInvalid(("limit",), "must be a non-negative integer") from exc
        if limit < 0:
            raise XapiInvalid(("limit",), "must be a non-negative integer")
        limit = min(limit or settings.LRS_STATEMENT_PAGE_MAX, settings.LRS_STATEMENT_PAGE_MAX)
        rows = statement_list(query=query, limit=limit)
        more = ""
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            token = signing.dumps(
                {"q": params, "a": [format_timestamp(last.stored), str(last.id)]},
                salt=MORE_SALT,
                compress=True,
            )
            more = f"{request.path}?more={token}"
        documents = (
            [] if self.head_only else [self._format(request, params, r.document) for r in rows]
        )
        headers = {}
        if rows:
            headers["Last_Modified"] = http_date(max(r.stored for r in rows).timestamp())
        return self._respond(
            request, params, {"statements": documents, "more": more},
            [row.document for row in rows], **headers,
        )  # fmt: skip

    def _format(self, request, params, document: dict[str, Any]) -> dict[str, Any]:
        if self.xapi_version != XAPI_2_0:
            document = statement_for_1_0_3(document)
        kind = params.get("format", "exact")
        if kind == "exact":
            return document
        if kind == "ids":
            return statement_ids_format(document)
        if kind == "canonical":
            languages = accept_languages(request.headers.get("Accept-Language", ""))
            return statement_canonical_format(document, languages)
        raise XapiInvalid(("format",), "must be ids, exact or canonical")

    def _respond(self, request, params, body: Any, stored: list[dict[str, Any]], **headers):
        attachments = _bool(params, "attachments")
        if self.head_only:
            content_type = "multipart/mixed" if attachments else "application/json"
            response = HttpResponse(content_type=content_type)
            for name, value in headers.items():
                response[name.replace("_", "-")] = value
            return response
        if not attachments:
            return _json(body, **headers)
        hashes = sorted({a["sha2"].lower() for s in stored for a in s.get("attachments", [])})
        parts = [({"Content-Type": "application/json"}, json.dumps(body).encode())]
        for attachment in Attachment.objects.filter(sha2__in=hashes).order_by("sha2"):
            parts.append(
                (
                    {
                        "Content-Type": attachment.content_type or "application/octet-stream",
                        "Content-Transfer-Encoding": "binary",
                        "X-Experience-API-Hash": attachment.sha2,
                    },
                    bytes(attachment.content),
                )
            )
        content, content_type = multipart_build(parts)
        response = HttpResponse(content, content_type=content_type)
        for name, value in headers.items():
            response[name.replace("_", "-")] = value
        return response
