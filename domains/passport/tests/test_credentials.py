"""Credentials: issued, served at ``/p/<id>``, verified; then broken every way there is.

A credential verifies; one changed byte, a revocation, an expiry each make it fail
with its own reason, through the API and through the command-line verifier, which
runs as its own process with no network and no Django (offline, from a bundle).
"""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from domains.passport import issuer
from domains.passport.models import CredentialRecord
from domains.passport.projections import CredentialsProjection
from domains.passport.tests.conftest import COMPLETED, COURSE, actor, record
from eventing.projections import projection_rebuild
from tests.security.conftest import bearer, member

pytestmark = pytest.mark.django_db(databases=["identity", "passport"])

API = "/api/v1/passport"
VERIFIER = Path(__file__).resolve().parents[3] / "tools" / "credential_verify.py"


@pytest.fixture
def mentor():
    return member("mentor")


@pytest.fixture
def issued(api_client, mentor, web_api, passport_app, clock):
    ifi, holder = actor("ana@example.com")
    record(ifi, COMPLETED, COURSE)
    issued_before = REGISTRY.get_sample_value("passport_credentials_issued_total")
    response = api_client.post(
        f"{API}/credentials/issue",
        {
            "member_id": str(holder),
            "kind": "competency",
            "competency_id": str(web_api.id),
            "valid_days": 30,
        },
        format="json",
        **bearer(mentor),
    )
    assert response.status_code == 201, response.content
    assert REGISTRY.get_sample_value("passport_credentials_issued_total") == issued_before + 1
    return response.json()


def check(api_client, credential, status_list=None):
    body = {"credential": credential}
    if status_list:
        body["status_list"] = status_list
    return api_client.post(f"{API}/credentials/verify", body, format="json").json()


def cli(tmp_path, document, *args):
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(document))
    key = issuer.public_key_hex()
    done = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(path), "--public-key", key, *args],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_a_credential_verifies_and_one_changed_byte_breaks_it(api_client, issued, tmp_path):
    credential = issued["document"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["result"][0]["achievedLevel"] == "2 Practising"
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert check(api_client, credential) == {"verified": True, "problems": []}

    # The public link: JSON for machines, a page for people.
    link = issued["url"].split("8000", 1)[1]
    assert api_client.get(link, HTTP_ACCEPT="application/json").json() == credential
    page = api_client.get(link).content.decode()
    assert "Verified" in page and "Build a web API" in page

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["result"][0]["achievedLevel"] = "3 Practising"  # one byte
    result = check(api_client, tampered)
    assert result["verified"] is False
    assert result["problems"][0].startswith("signature: does not verify")

    bundle = api_client.get(f"{link}/bundle").json()
    assert cli(tmp_path, bundle, "--offline")[0] == 0
    code, out = cli(tmp_path, {**bundle, "credential": tampered}, "--offline")
    assert code == 1 and "credential: signature does not verify" in out


def test_revoked_credentials_say_so_online_and_with_a_fresh_snapshot(
    api_client, issued, mentor, clock, tmp_path, passport_app
):
    link = issued["url"].split("8000", 1)[1]
    old_bundle = api_client.get(f"{link}/bundle").json()
    response = api_client.post(
        f"{API}/credentials/{issued['id']}/revoke", {"reason": "issued in error"}, format="json",
        **bearer(mentor),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    again = api_client.post(
        f"{API}/credentials/{issued['id']}/revoke", {"reason": "x"}, format="json", **bearer(mentor)
    )
    assert again.status_code == 409

    result = check(api_client, issued["document"])
    assert result["problems"] == ["revoked: the issuer's status list marks this credential revoked"]
    # Other domains hear of both through the published contracts.
    published = [
        passport_app.to_published(passport_app.mapper.to_domain_event(n))
        for n in passport_app.recorder.select_notifications(start=1, limit=10)
    ]
    assert [(type(p).__name__, str(p.member_id)) for p in published] == [
        ("CredentialIssued", issued["member_id"]),
        ("CredentialRevoked", issued["member_id"]),
    ]
    assert "revoked" in api_client.get(link).content.decode()
    new_bundle = api_client.get(f"{link}/bundle").json()
    code, out = cli(tmp_path, new_bundle, "--offline")
    assert code == 1 and "revoked" in out

    # An older snapshot vouches only until its validUntil; past that it says to refresh.
    assert cli(tmp_path, old_bundle, "--offline")[0] == 0
    later = old_bundle["statusList"]["validUntil"]
    code, out = cli(tmp_path, old_bundle, "--offline", "--now", later)
    assert code == 1 and "snapshot expired" in out


def test_expired_credentials_say_so(api_client, issued, clock, tmp_path):
    clock.advance(days=31)
    result = check(api_client, issued["document"])
    assert result["verified"] is False
    assert result["problems"][0].startswith("expired: valid until")
    code, out = cli(tmp_path, issued["document"], "--offline", "--now", clock.now.isoformat(),
                    "--status-list", str(_saved(tmp_path, api_client)))  # fmt: skip
    assert code == 1 and "expired" in out


def _saved(tmp_path, api_client) -> Path:
    path = tmp_path / "status.json"
    path.write_text(json.dumps(api_client.get("/p/status/revocation").json()))
    return path


def test_a_wrong_key_or_a_foreign_status_list_fails(api_client, issued, tmp_path):
    bundle = api_client.get(issued["url"].split("8000", 1)[1] + "/bundle").json()
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    done = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(path), "--public-key", "22" * 32, "--offline"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and "signature does not verify" in done.stdout
    foreign = {**bundle["statusList"], "id": "https://elsewhere.example/status"}
    assert (
        "not the one the credential names"
        in check(api_client, issued["document"], foreign)["problems"][0]
    )


def test_issuing_needs_the_competency_held_and_the_permission(
    api_client, web_api, passport_app, clock
):
    _, holder = actor("nobody@example.com")
    body = {"member_id": str(holder), "kind": "competency", "competency_id": str(web_api.id)}
    refused = api_client.post(
        f"{API}/credentials/issue", body, format="json", **bearer(member("mentor"))
    )
    assert refused.status_code == 400
    learner = api_client.post(f"{API}/credentials/issue", body, format="json", **bearer(member()))
    assert learner.status_code == 403


def test_passport_credentials_and_rebuild(api_client, issued, mentor, passport_app):
    _, holder = actor("ana@example.com")
    response = api_client.post(
        f"{API}/credentials/issue", {"member_id": str(holder), "kind": "passport"}, format="json",
        **bearer(mentor),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    document = response.json()["document"]
    assert document["credentialSubject"]["competencies"][0]["code"] == "WEB-1"
    assert check(api_client, document)["verified"] is True

    def rows():
        return sorted(
            CredentialRecord.objects.values_list("id", "status_index", "document", "revoked_at")
        )

    before = rows()
    projection_rebuild(projection_class=CredentialsProjection)
    assert rows() == before and len(before) == 2
