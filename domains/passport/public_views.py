"""The views behind ``root_urls.py``: public by design (anyone holding a link verifies).

Plain Django views, not API operations: a credential's id is its URL, and its page
must open in a browser as well as answer a verifier with JSON.
"""

import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from common.degradation import degraded, mark_degraded
from domains.passport import issuer, services
from domains.passport.aggregation import FLAG
from domains.passport.models import CredentialRecord, ShareLink
from domains.passport.selectors import passport_read

JSON_TYPES = ("application/json", "application/vc", "application/ld+json")


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.GET.get("format") == "json" or any(t in accept for t in JSON_TYPES)


def _json(document, **kwargs) -> JsonResponse:
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False}, **kwargs)


def issuer_view(request: HttpRequest) -> JsonResponse:
    return _json(issuer.issuer_document())


def status_list_view(request: HttpRequest) -> JsonResponse:
    return _json(services.status_list_credential())


def _record(credential_id) -> CredentialRecord:
    record = CredentialRecord.objects.using("passport").filter(pk=credential_id).first()
    if record is None:
        raise Http404("No such credential.")
    return record


def credential_view(request: HttpRequest, credential_id) -> HttpResponse:
    record = _record(credential_id)
    if _wants_json(request):
        return _json(record.document, content_type="application/vc+ld+json")
    problems = services.credential_verify(document=record.document)
    return render(
        request,
        "passport/credential.html",
        {
            "record": record,
            "document": record.document,
            "subject": record.document.get("credentialSubject", {}),
            "problems": problems,
            "pretty": json.dumps(record.document, indent=2, ensure_ascii=False),
        },
    )


def bundle_view(request: HttpRequest, credential_id) -> JsonResponse:
    record = _record(credential_id)
    response = _json(
        {
            "credential": record.document,
            "statusList": services.status_list_credential(),
            "issuer": issuer.issuer_document(),
        }
    )
    response["Content-Disposition"] = f'attachment; filename="credential-{credential_id}.json"'
    return response


def share_view(request: HttpRequest, share_id) -> HttpResponse:
    share = ShareLink.objects.using("passport").filter(pk=share_id, revoked_at=None).first()
    if share is None:
        raise Http404("No such share link.")
    passport, from_snapshot = passport_read(
        member_id=share.member_id, sections=tuple(share.sections), reaggregate=not degraded(FLAG)
    )
    if _wants_json(request):
        response = _json({"sections": share.sections, "passport": passport})
    else:
        response = render(request, "passport/share.html", {"share": share, "passport": passport})
    return mark_degraded(response, FLAG) if from_snapshot else response
