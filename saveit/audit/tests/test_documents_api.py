"""The documents API: upload, sign and verify with a Bearer token; tenants stay apart."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.accounts.roles import Role
from saveit.audit import services
from saveit.audit.chain import verify_chain
from saveit.audit.models import AuditEvent, Document, Signature
from saveit.testing.factories import PASSWORD, bearer
from saveit.testing.pdf import make_pdf

BASE = "/api/v1/documents/"
INTENT = "I have read this document and I approve it."


def api_upload(headers, content: bytes, roles=(Role.CLIENT_OWNER,), name="note.pdf"):  # type: ignore[no-untyped-def]
    return Client().post(
        BASE,
        {
            "title": "Note de cadrage",
            "signer_roles": list(roles),
            "file": SimpleUploadedFile(name, content, "application/pdf"),
        },
        headers=headers,
    )


def counts():  # type: ignore[no-untyped-def]
    return Document.objects.count(), Signature.objects.count(), AuditEvent.objects.count()


def test_upload_sign_and_verify_round_trip_with_a_token(owner, manager):
    headers = bearer(owner)
    created = api_upload(headers, make_pdf(), roles=[Role.CLIENT_OWNER, Role.CLIENT_MANAGER])
    assert created.status_code == 201, created.content
    document = created.json()
    assert document["signer_roles"] == [Role.CLIENT_MANAGER, Role.CLIENT_OWNER]
    assert document["missing_roles"] == document["signer_roles"]
    url = f"{BASE}{document['id']}"
    signed = Client().post(
        f"{url}/sign",
        {"intent": INTENT, "password": PASSWORD},
        content_type="application/json",
        headers={**headers, "User-Agent": "script/1.0"},
    )
    assert signed.status_code == 201, signed.content
    body = signed.json()
    assert body["document_sha256"] == document["sha256"] and body["reauth_method"] == "password"
    assert body["user_agent"] == "script/1.0"
    verify = Client().get(f"{url}/verify", headers=bearer(manager)).json()
    assert verify["ok"] is True and verify["signatures"][0]["ok"] is True
    detail = Client().get(url, headers=headers).json()
    assert detail["signature_count"] == 1 and detail["missing_roles"] == [Role.CLIENT_MANAGER]
    listing = Client().get(BASE, headers=headers).json()
    assert [d["id"] for d in listing] == [document["id"]]
    assert verify_chain(owner.organization).ok


def test_a_renamed_executable_is_refused_with_409_and_nothing_stored(owner):
    headers = bearer(owner)  # issuing a token is itself an audited write
    before = counts()
    response = api_upload(headers, b"MZ\x90\x00" + b"\x00" * 200, name="facture.pdf")
    assert response.status_code == 409
    assert response.json()["code"] == "bad_file"
    assert counts() == before


def test_a_learner_cannot_upload_through_the_api(learner):
    headers = bearer(learner)
    before = counts()
    assert api_upload(headers, make_pdf(), roles=[Role.LEARNER]).status_code == 403
    assert counts() == before


def test_missing_fields_answer_422(owner):
    response = Client().post(BASE, {"title": "Sans fichier"}, headers=bearer(owner))
    assert response.status_code == 422
    sign = Client().post(
        f"{BASE}1/sign", {}, content_type="application/json", headers=bearer(owner)
    )
    assert sign.status_code == 422


def test_a_wrong_password_answers_409_and_changes_nothing(owner):
    document = services.upload_document(
        organization=owner.organization,
        by=owner,
        uploaded_file=(make_pdf(), "a.pdf"),
        title="A",
        signer_roles=[Role.CLIENT_OWNER],
    )
    headers = bearer(owner)
    before = counts()
    response = Client().post(
        f"{BASE}{document.pk}/sign",
        {"intent": INTENT, "password": "nope"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 409 and response.json()["code"] == "reauth_failed"
    assert counts() == before


def test_another_tenant_s_document_is_404_through_the_api(owner, outsider):
    document = services.upload_document(
        organization=owner.organization,
        by=owner,
        uploaded_file=(make_pdf(), "a.pdf"),
        title="A",
        signer_roles=[Role.CLIENT_OWNER],
    )
    headers = bearer(outsider)
    before = counts()
    for path in (f"{document.pk}", f"{document.pk}/verify", "999999"):
        assert Client().get(f"{BASE}{path}", headers=headers).status_code == 404
    response = Client().post(
        f"{BASE}{document.pk}/sign",
        {"intent": INTENT, "password": PASSWORD},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    assert Client().get(BASE, headers=headers).json() == []
    assert counts() == before


def test_staff_sign_through_the_api_with_a_totp_code_only(staff_admin):
    document = services.upload_document(
        organization=staff_admin.organization,
        by=staff_admin,
        uploaded_file=(make_pdf(), "a.pdf"),
        title="A",
        signer_roles=[Role.ADMIN],
    )
    device = TOTPDevice.objects.create(user=staff_admin.user, name="authenticator", confirmed=True)
    headers, url = bearer(staff_admin), f"{BASE}{document.pk}/sign"
    refused = Client().post(
        url,
        {"intent": INTENT, "password": PASSWORD},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 409 and not Signature.objects.exists()
    code = str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(device.digits)
    accepted = Client().post(
        url, {"intent": INTENT, "otp_code": code}, content_type="application/json", headers=headers
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["reauth_method"] == "totp"


def test_the_operations_are_documented_with_their_errors(owner):
    schema = Client().get("/api/v1/openapi.json").json()
    sign = schema["paths"]["/api/v1/documents/{document_id}/sign"]["post"]
    assert {"201", "404", "409", "422"} <= set(sign["responses"])
    upload = schema["paths"]["/api/v1/documents/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
