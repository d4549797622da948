"""xAPI-Communication §1.5.2 (multipart/mixed with SHA-2 matched parts) and
xAPI-Data §2.4.11 (attachments); signed statements (§2.6) in test_signed_statements.py."""

import hashlib
import json

import pytest

from domains.learning.models import Attachment, Statement
from domains.learning.tests.xapi.conftest import statement

pytestmark = pytest.mark.django_db(databases=["learning"])

BOUNDARY = "xapi-test-boundary"


def attachment_object(content: bytes, **overrides):
    return {
        "usageType": "http://adlnet.gov/expapi/attachments/certificate",
        "display": {"en-US": "Certificate"},
        "contentType": "application/pdf",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **overrides,
    }


def multipart(statements, parts):
    out = bytearray()
    out += f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode()
    out += json.dumps(statements).encode() + b"\r\n"
    for content, sha2, content_type in parts:
        out += f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\n".encode()
        out += (
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        out += content + b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out)


def send(lrs, statements, parts):
    return lrs.post(
        multipart(statements, parts), content_type=f'multipart/mixed; boundary="{BOUNDARY}"'
    )


PDF = b"%PDF-1.4 binary \x00\xff\r\n--not-a-boundary\r\n content"


def test_an_attachment_is_stored_and_returned_with_attachments_true(lrs):
    body = statement(attachments=[attachment_object(PDF)])
    response = send(lrs, body, [(PDF, hashlib.sha256(PDF).hexdigest(), "application/pdf")])
    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    assert bytes(Attachment.objects.get().content) == PDF
    got = lrs.get("statements", {"statementId": statement_id, "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed")
    assert PDF in got.content
    assert hashlib.sha256(PDF).hexdigest().encode() in got.content
    plain = lrs.get("statements", {"statementId": statement_id})
    assert plain["Content-Type"] == "application/json"


def test_an_attachment_with_a_file_url_needs_no_part(lrs):
    body = statement(attachments=[attachment_object(PDF, fileUrl="https://files.example/c.pdf")])
    assert lrs.post(body).status_code == 200


def test_content_that_does_not_match_its_hash_is_400(lrs):
    body = statement(attachments=[attachment_object(PDF)])
    response = send(
        lrs, body, [(b"other bytes", hashlib.sha256(PDF).hexdigest(), "application/pdf")]
    )
    assert response.status_code == 400
    assert Statement.objects.count() == 0


def test_a_missing_part_is_400_naming_the_attachment(lrs):
    response = lrs.post(statement(attachments=[attachment_object(PDF)]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "attachments.0.sha2"


def test_a_part_without_an_attachment_is_400(lrs):
    response = send(lrs, statement(), [(PDF, hashlib.sha256(PDF).hexdigest(), "application/pdf")])
    assert response.status_code == 400


def test_a_malformed_multipart_body_is_400(lrs):
    response = lrs.post(b"--x\r\nno end", content_type=f"multipart/mixed; boundary={BOUNDARY}")
    assert response.status_code == 400
