"""The evidence pages: list, evidence, download, signing; tenants never see each other."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.accounts.roles import Role
from saveit.audit import services
from saveit.audit.chain import verify_chain
from saveit.audit.models import AuditEvent, Signature
from saveit.testing.factories import PASSWORD, make_document, make_member, signed_in
from saveit.testing.pdf import make_pdf

UA = "Mozilla/5.0 (X11; Linux x86_64) Chromium/140 Témoin"


@pytest.fixture
def document(owner):  # type: ignore[no-untyped-def]
    return make_document(owner, roles=(Role.CLIENT_OWNER, Role.LEARNER))


def urls(document) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        name: reverse(f"audit:document_{name}", args=[document.pk])
        for name in ("detail", "file", "sign")
    }


def counts():  # type: ignore[no-untyped-def]
    return Signature.objects.count(), AuditEvent.objects.count()


def sign_through_page(member, document, **data):  # type: ignore[no-untyped-def]
    data.setdefault("intent", "I have read this document and I approve it.")
    return signed_in(member).post(urls(document)["sign"], data, HTTP_USER_AGENT=UA)


def test_signing_through_the_page_then_the_evidence_shows_everything(owner, document):
    response = sign_through_page(owner, document, password=PASSWORD)
    assert response.status_code == 302
    page = signed_in(owner).get(urls(document)["detail"])
    html = page.content.decode()
    signature = Signature.objects.get()
    for expected in (
        document.sha256,
        owner.user.full_name,
        "127.0.0.1",
        "Témoin",
        signature.signed_at.strftime("%Y-%m-%d %H:%M:%S") + " UTC",
        "I have read this document and I approve it.",
        "badge-ok",
    ):
        assert expected in html, expected
    paris = signature.signed_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert paris.strftime("%d/%m/%Y %H:%M:%S") in html
    assert "document.signed" in html and "document.uploaded" in html
    assert 'name="password"' not in html  # already signed: no form any more
    assert "style=" not in html and "<script>" not in html


def test_the_sign_form_asks_staff_for_a_code_and_others_for_a_password(owner, staff_admin):
    provider_doc = services.upload_document(
        organization=staff_admin.organization,
        by=staff_admin,
        uploaded_file=(make_pdf(), "a.pdf"),
        title="Procédure interne",
        signer_roles=[Role.ADMIN],
    )
    staff_html = signed_in(staff_admin).get(urls(provider_doc)["detail"]).content.decode()
    assert 'name="otp_code"' in staff_html and 'name="password"' not in staff_html
    client_doc = services.upload_document(
        organization=owner.organization,
        by=owner,
        uploaded_file=(make_pdf(), "b.pdf"),
        title="Note",
        signer_roles=[Role.CLIENT_OWNER],
    )
    owner_html = signed_in(owner).get(urls(client_doc)["detail"]).content.decode()
    assert 'name="password"' in owner_html and 'name="otp_code"' not in owner_html


def test_staff_signs_through_the_page_with_a_fresh_totp_code(staff_admin):
    document = services.upload_document(
        organization=staff_admin.organization,
        by=staff_admin,
        uploaded_file=(make_pdf(), "a.pdf"),
        title="Procédure interne",
        signer_roles=[Role.ADMIN],
    )
    client = signed_in(staff_admin)
    device = TOTPDevice.objects.get(user=staff_admin.user, confirmed=True)
    code = str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(device.digits)
    response = client.post(urls(document)["sign"], {"intent": "Vu et approuvé.", "otp_code": code})
    assert response.status_code == 302
    assert Signature.objects.get().reauth_method == "totp"


def test_a_wrong_password_through_the_page_is_refused_and_nothing_changes(owner, document):
    before = counts()
    response = sign_through_page(owner, document, password="not-my-password")
    assert response.status_code == 409
    assert "mot de passe est incorrect" in response.content.decode()
    assert counts() == before


def test_a_learner_asked_to_sign_may_read_and_sign_but_not_upload(learner, document):
    assert signed_in(learner).get(urls(document)["detail"]).status_code == 200
    assert sign_through_page(learner, document, password=PASSWORD).status_code == 302
    assert signed_in(learner).get(reverse("audit:document_list")).status_code == 200


def test_a_learner_not_asked_to_sign_sees_nothing(owner, learner):
    private = services.upload_document(
        organization=owner.organization,
        by=owner,
        uploaded_file=(make_pdf(), "p.pdf"),
        title="Réservé",
        signer_roles=[Role.CLIENT_OWNER],
    )
    client = signed_in(learner)
    assert client.get(urls(private)["detail"]).status_code == 404
    assert client.get(urls(private)["file"]).status_code == 404
    assert client.get(urls(private)["sign"]).status_code == 405  # signing is POST only
    assert (
        client.post(urls(private)["sign"], {"intent": "x", "password": PASSWORD}).status_code == 404
    )
    assert "Réservé" not in client.get(reverse("audit:document_list")).content.decode()


def test_a_manager_reads_but_is_not_offered_to_sign_when_not_asked(manager, document):
    html = signed_in(manager).get(urls(document)["detail"]).content.decode()
    assert document.sha256 in html and 'name="password"' not in html
    before = counts()
    assert sign_through_page(manager, document, password=PASSWORD).status_code == 403
    assert counts() == before


def test_another_organisation_gets_404_everywhere(outsider, document):
    client = signed_in(outsider)
    before = counts()
    assert client.get(urls(document)["detail"]).status_code == 404
    assert client.get(urls(document)["file"]).status_code == 404
    assert client.get(urls(document)["detail"] + "?print=1").status_code == 404
    response = client.post(urls(document)["sign"], {"intent": "x", "password": PASSWORD})
    assert response.status_code == 404
    assert counts() == before
    assert document.title not in client.get(reverse("audit:document_list")).content.decode()


def test_a_missing_document_answers_the_same_404(owner):
    assert signed_in(owner).get(reverse("audit:document_detail", args=[999999])).status_code == 404


def test_the_file_is_served_as_an_attachment_with_its_type(owner, document):
    response = signed_in(owner).get(urls(document)["file"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_provider_admin_reads_any_organisation_s_evidence(staff_admin, document):
    assert signed_in(staff_admin).get(urls(document)["detail"]).status_code == 200


def test_the_printable_version_has_no_navigation(owner, document):
    html = signed_in(owner).get(urls(document)["detail"] + "?print=1").content.decode()
    assert document.sha256 in html and "sidenav" not in html


def test_a_modified_file_shows_in_red_and_signing_is_refused(owner, document, media):
    path = media / document.file.name
    path.write_bytes(path.read_bytes() + b"\n")
    html = signed_in(owner).get(urls(document)["detail"]).content.decode()
    assert "badge-err" in html
    before = counts()
    assert sign_through_page(owner, document, password=PASSWORD).status_code == 409
    assert counts() == before


def test_roles_without_documents_right_are_forbidden_the_list(provider):
    support = make_member(provider, Role.SUPPORT_AGENT)
    assert signed_in(support).get(reverse("audit:document_list")).status_code == 403


def test_the_chain_still_verifies_after_page_operations(owner, learner, document):
    sign_through_page(owner, document, password=PASSWORD)
    sign_through_page(learner, document, password="wrong")
    sign_through_page(learner, document, password=PASSWORD)
    assert Signature.objects.count() == 2
    assert verify_chain(owner.organization).ok
