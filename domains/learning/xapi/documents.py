"""The document resources (xAPI-Communication §2.3 State, §2.6 Activity Profile, §2.7
Agent Profile) and the Activities (§2.5) and Agents (§2.4) resources."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date
from rest_framework.exceptions import NotFound

from domains.learning.authority import document_reach
from domains.learning.domain.xapi.agents import IFI_PROPERTIES, agent_from_query, agent_ifi
from domains.learning.domain.xapi.errors import XapiInvalid
from domains.learning.domain.xapi.formats import is_iri, is_uuid, parse_timestamp
from domains.learning.domain.xapi.validation import agent as agent_validate
from domains.learning.domain.xapi.versions import XAPI_2_0
from domains.learning.models import Activity, Statement
from domains.learning.services.documents import (
    DocumentKey,
    document_delete,
    document_get,
    document_ids,
    document_write,
)
from domains.learning.xapi.base import XapiView


def _agent(params) -> str:
    if "agent" not in params:
        raise XapiInvalid(("agent",), "is required")
    try:
        agent = agent_from_query(params["agent"])
    except ValueError as exc:
        raise XapiInvalid(("agent",), "must be a JSON agent object") from exc
    agent_validate(agent, ("agent",))
    return agent_ifi(agent)


def _activity(params) -> str:
    if not is_iri(params.get("activityId")):
        raise XapiInvalid(("activityId",), "is required and must be an absolute IRI")
    return params["activityId"]


def _params_fit(params) -> None:
    """Identifiers the LRS indexes are bounded, and hold no NUL (400, not a 500 at the
    insert); ``agent`` is a JSON object around one identifier, so twice the length."""
    limit = settings.LRS_MAX_IRI_LENGTH
    for name, value in params.items():
        if "\x00" in value:
            raise XapiInvalid((name,), "holds a NUL character")
        if len(value) > (2 * limit if name == "agent" else limit):
            raise XapiInvalid((name,), f"is longer than {limit} characters")


class _DocumentApi(XapiView):
    kind = ""
    id_param = ""
    #: Profile resources refuse an unconditional overwrite (409); State does not in
    #: 1.0.3 (Communication §3.1) but does in 2.0.
    require_precondition = True
    params: set[str] = set()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.xapi_version == XAPI_2_0:
            # xAPI 2.0 extends the profile rule to State (IEEE 9274.1.1 §4.1.4).
            self.require_precondition = True

    def key(self, params) -> DocumentKey:
        raise NotImplementedError

    def _reach(self, request, key: DocumentKey, *, write: bool) -> str | None:
        """The writer to scope to (None: every document); 403 beyond the caller's reach
        (domains/learning/authority.py)."""
        claims = request.user.claims
        return document_reach(
            authority=claims["authority"], read_all=claims["read_all"],
            agent_ifi=key.agent_ifi, kind=self.kind, write=write,
        )  # fmt: skip

    def _params(self, request):
        params = request.query_params
        unknown = set(params) - self.params - {self.id_param, "since"}
        if unknown:
            raise XapiInvalid((sorted(unknown)[0],), "is not a parameter of this resource")
        _params_fit(params)
        return params

    def _write(self, request, *, merge: bool):
        params = self._params(request)
        if not params.get(self.id_param):
            raise XapiInvalid((self.id_param,), "is required")
        key = self.key(params)
        own_of = self._reach(request, key, write=True)
        etag = document_write(
            key=key,
            content=self.raw_body(request),
            content_type=request.META.get("CONTENT_TYPE") or "application/octet-stream",
            merge=merge,
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
            require_precondition=self.require_precondition,
            writer=agent_ifi(request.user.claims["authority"]),
            own_only=own_of is not None,
        )
        response = HttpResponse(status=204)
        response["ETag"] = f'"{etag}"'
        return response

    def put(self, request):
        return self._write(request, merge=False)

    def post(self, request):
        return self._write(request, merge=True)

    def get(self, request):
        params = self._params(request)
        key = self.key(params)
        own_of = self._reach(request, key, write=False)
        if params.get(self.id_param):
            if "since" in params:
                raise XapiInvalid(("since",), f"cannot be combined with {self.id_param}")
            document = document_get(key=key, own_of=own_of)
            if document is None:
                raise NotFound("No such document.")
            content = b"" if self.head_only else bytes(document.content)
            response = HttpResponse(content, content_type=document.content_type)
            response["ETag"] = f'"{document.etag}"'
            response["Last-Modified"] = http_date(document.updated.timestamp())
            return response
        since = None
        if "since" in params:
            since = parse_timestamp(params["since"])
            if since is None:
                raise XapiInvalid(("since",), "must be an ISO 8601 timestamp")
        ids, newest = document_ids(key=key, since=since, own_of=own_of)
        response = (
            HttpResponse(content_type="application/json")
            if self.head_only
            else JsonResponse(ids, safe=False)
        )
        if newest is not None:  # as for one document: when (the newest) was last modified
            response["Last-Modified"] = http_date(newest.timestamp())
        return response

    def delete(self, request):
        params = self._params(request)
        if "since" in params:
            raise XapiInvalid(("since",), "is not a parameter of DELETE")
        key = self.key(params)
        everything = not params.get(self.id_param)
        if everything and self.kind != "state":
            raise XapiInvalid((self.id_param,), "is required")
        own_of = self._reach(request, key, write=True)
        document_delete(
            key=key, everything=everything, if_match=request.headers.get("If-Match"),
            own_of=own_of,
        )  # fmt: skip
        return HttpResponse(status=204)


class StateApi(_DocumentApi):
    kind = "state"
    id_param = "stateId"
    require_precondition = False
    params = {"activityId", "agent", "registration"}

    def key(self, params) -> DocumentKey:
        registration = params.get("registration", "")
        if registration and not is_uuid(registration):
            raise XapiInvalid(("registration",), "must be a UUID")
        return DocumentKey(
            kind=self.kind, activity_id=_activity(params), agent_ifi=_agent(params),
            registration=registration.lower(), document_id=params.get(self.id_param, ""),
        )  # fmt: skip


class ActivityProfileApi(_DocumentApi):
    kind = "activity_profile"
    id_param = "profileId"
    params = {"activityId"}

    def key(self, params) -> DocumentKey:
        return DocumentKey(
            kind=self.kind, activity_id=_activity(params), document_id=params.get(self.id_param, "")
        )


class AgentProfileApi(_DocumentApi):
    kind = "agent_profile"
    id_param = "profileId"
    params = {"agent"}

    def key(self, params) -> DocumentKey:
        return DocumentKey(
            kind=self.kind, agent_ifi=_agent(params), document_id=params.get(self.id_param, "")
        )


class ActivitiesApi(XapiView):
    """The activity with the definition the LRS holds for it. An activity the LRS never
    saw is a 404 in 1.0.3 (its "SHOULD*" return an Activity anyway is left aside) and,
    as xAPI 2.0 makes that a "shall" (IEEE 9274.1.1 §4.1.6.4), an Activity Object with
    only its id and a 200 in 2.0."""

    def get(self, request):
        params = request.query_params
        if set(params) != {"activityId"}:
            raise XapiInvalid(("activityId",), "is required, and the only parameter")
        activity_id = _activity(params)
        activity = Activity.objects.filter(iri=activity_id).first()
        body = {"objectType": "Activity", "id": activity_id}
        if activity is None and self.xapi_version != XAPI_2_0:
            raise NotFound("The LRS knows no activity with this id.")
        if self.head_only:
            return HttpResponse(content_type="application/json")
        if activity is None:
            return JsonResponse(body)
        if activity.definition:
            body["definition"] = activity.definition
        return JsonResponse(body)


class AgentsApi(XapiView):
    """The Person object the LRS knows for an agent (xAPI-Communication §2.4): its
    identifiers and the names statements gave it.

    The LRS may combine agents it has reason to believe are one person. It combines
    what needs no belief: an ``mbox`` and its ``mbox_sha1sum`` (the SHA-1 of that same
    ``mailto:`` IRI) — asked by ``mbox``, the Person carries both and the names given
    under either. Asked by ``mbox_sha1sum`` it cannot name the address (a hash is not
    reversible); other identifiers stay as asked.
    """

    def get(self, request):
        params = request.query_params
        if set(params) != {"agent"}:
            raise XapiInvalid(("agent",), "is required, and the only parameter")
        ifi = _agent(params)
        if self.head_only:
            return HttpResponse(content_type="application/json")
        agent = agent_from_query(params["agent"])
        person: dict = {"objectType": "Person"}
        for prop in IFI_PROPERTIES:
            if prop in agent:
                person[prop] = [agent[prop]]
        ifis = [ifi]
        if "mbox" in agent:
            sha1 = hashlib.sha1(agent["mbox"].encode(), usedforsecurity=False).hexdigest()
            person["mbox_sha1sum"] = [sha1]
            ifis.append(agent_ifi({"mbox_sha1sum": sha1}))
        names = [agent["name"]] if "name" in agent else []
        for document in (
            Statement.objects.filter(actor_ifi__in=ifis)
            .order_by("-stored")
            .values_list("document", flat=True)[:20]
        ):
            name = document["actor"].get("name")
            if name and name not in names:
                names.append(name)
        if names:
            person["name"] = names
        return HttpResponse(json.dumps(person), content_type="application/json")
