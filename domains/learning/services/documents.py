"""State, Activity Profile and Agent Profile documents (xAPI-Communication §2.3-2.6).

Writes take the document's row lock (``SELECT ... FOR UPDATE``) before comparing the
caller's ``If-Match``/``If-None-Match`` with the current ETag, so of two writers that
read the same version only the first succeeds and the other gets 412; two creators
racing on an absent document meet at the unique key and the loser gets 412 too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from common import refusals
from domains.learning.models import Document


class PreconditionFailed(refusals.PreconditionFailed):
    """412: the caller's If-Match/If-None-Match does not hold."""


class DocumentConflict(refusals.Conflict):
    """409: an unconditional write to an existing profile document."""


class NotMergeable(refusals.Invalid):
    """400: POST merges JSON objects only (the request body is at fault)."""

    field = "body"


class NotYours(refusals.Forbidden):
    """403: the document exists but another writer wrote it, and this caller reaches
    only its own (``own_only``)."""


@dataclass(frozen=True)
class DocumentKey:
    kind: str
    activity_id: str = ""
    agent_ifi: str = ""
    registration: str = ""
    document_id: str = ""

    def filters(self) -> dict[str, str]:
        return {
            "kind": self.kind, "activity_id": self.activity_id, "agent_ifi": self.agent_ifi,
            "registration": self.registration,
        }  # fmt: skip


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _check(current: Document | None, *, if_match: str | None, if_none_match: str | None) -> None:
    if if_match is not None:
        tags = {t.strip().strip('"') for t in if_match.split(",")}
        if current is None or ("*" not in tags and current.etag not in tags):
            raise PreconditionFailed("If-Match does not match the document's current ETag.")
    if if_none_match is not None:
        tags = {t.strip().strip('"') for t in if_none_match.split(",")}
        if current is not None and ("*" in tags or current.etag in tags):
            raise PreconditionFailed("If-None-Match: the document exists.")


def document_write(
    *,
    key: DocumentKey,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None,
    if_none_match: str | None,
    require_precondition: bool,
    now: datetime | None = None,
    writer: str = "",
    own_only: bool = False,
) -> str:
    """PUT (replace) or POST (``merge``: top-level JSON merge); the new ETag.
    ``writer``: the caller's authority IFI, recorded on a new document; with
    ``own_only`` the caller may change only documents it created."""
    updated = now or timezone.now()
    try:
        with transaction.atomic(using="learning"):
            current = (
                Document.objects.select_for_update()
                .filter(**key.filters(), document_id=key.document_id)
                .first()
            )
            if own_only and current is not None and current.writer_ifi != writer:
                raise NotYours("Another writer's document: this client reaches its own only.")
            _check(current, if_match=if_match, if_none_match=if_none_match)
            if (
                current is not None and require_precondition and not merge
                and if_match is None and if_none_match is None
            ):  # fmt: skip
                raise DocumentConflict(
                    "The document exists: send If-Match (or If-None-Match) to overwrite it."
                )
            if merge:
                incoming = _json_object(content)
                if incoming is None:
                    raise NotMergeable("POST merges JSON objects: the body is not one.")
                if current is not None:
                    existing = _json_object(bytes(current.content))
                    if existing is None or not current.content_type.startswith("application/json"):
                        raise NotMergeable(
                            "The stored document is not a JSON object to merge into."
                        )
                    content = json.dumps({**existing, **incoming}).encode()
                content_type = "application/json"
            etag = etag_of(content)
            if current is None:
                Document.objects.create(
                    **key.filters(), document_id=key.document_id, content=content,
                    content_type=content_type, etag=etag, updated=updated, writer_ifi=writer,
                )  # fmt: skip
            else:
                current.content, current.content_type = content, content_type
                current.etag, current.updated = etag, updated
                current.save(update_fields=["content", "content_type", "etag", "updated"])
    except IntegrityError as exc:
        raise PreconditionFailed("Another writer created this document first.") from exc
    return etag


def _reachable(rows, own_of: str | None):
    """``own_of``: only the documents this writer created (a client without read_all)."""
    return rows if own_of is None else rows.filter(writer_ifi=own_of)


def document_get(*, key: DocumentKey, own_of: str | None = None) -> Document | None:
    rows = Document.objects.filter(**key.filters(), document_id=key.document_id)
    return _reachable(rows, own_of).first()


def document_ids(
    *, key: DocumentKey, since: datetime | None, own_of: str | None = None
) -> tuple[list[str], datetime | None]:
    """The ids of the documents under ``key`` (updated after ``since``), and when the
    newest of them was last modified (None for none): the id list's ``Last-Modified``."""
    rows = _reachable(Document.objects.filter(**key.filters()), own_of)
    if since is not None:
        rows = rows.filter(updated__gt=since)
    found = list(rows.order_by("document_id").values_list("document_id", "updated"))
    return [document_id for document_id, _ in found], max((u for _, u in found), default=None)


def document_delete(
    *, key: DocumentKey, everything: bool, if_match: str | None = None, own_of: str | None = None
) -> None:
    """One document (``key.document_id``), or with ``everything`` all under the key
    (the State resource's multiple delete); with ``own_of``, only that writer's."""
    with transaction.atomic(using="learning"):
        rows = _reachable(Document.objects.select_for_update().filter(**key.filters()), own_of)
        if not everything:
            rows = rows.filter(document_id=key.document_id)
            if if_match is not None:
                _check(rows.first(), if_match=if_match, if_none_match=None)
        rows.delete()
