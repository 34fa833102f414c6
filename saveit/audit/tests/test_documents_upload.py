"""Uploading evidence documents: type judged on content, size limit, who may upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saveit.accounts.roles import Role
from saveit.audit import services
from saveit.audit.chain import verify_chain
from saveit.audit.models import AuditEvent, Document
from saveit.core.errors import Refusal
from saveit.testing.factories import signed_in
from saveit.testing.pdf import make_pdf

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 400
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 400


def stored_files(root) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def state(root):  # type: ignore[no-untyped-def]
    return Document.objects.count(), AuditEvent.objects.count(), stored_files(root)


def upload(member, content: bytes, name: str = "note.pdf", roles=(Role.CLIENT_OWNER,)):  # type: ignore[no-untyped-def]
    return services.upload_document(
        organization=member.organization,
        by=member,
        uploaded_file=(content, name),
        title="Note de cadrage",
        signer_roles=list(roles),
    )


def test_a_real_pdf_is_kept_under_its_hash_with_its_facts(owner, media):
    content = make_pdf()
    document = upload(owner, content, name="Note de cadrage é.pdf")
    import hashlib

    digest = hashlib.sha256(content).hexdigest()
    assert document.sha256 == digest
    assert document.file.name == f"documents/{owner.organization_id}/{digest}.pdf"
    assert (media / document.file.name).read_bytes() == content
    assert (document.media_type, document.size) == ("application/pdf", len(content))
    assert document.original_name == "Note de cadrage é.pdf"
    event = AuditEvent.objects.get(action="document.uploaded")
    assert event.object_id == str(document.pk)
    assert event.after == {"sha256": digest, "size": len(content), "signer_roles": ["client_owner"]}
    assert verify_chain(owner.organization).ok


@pytest.mark.parametrize("content", [ELF, MZ], ids=["elf", "windows-exe"])
def test_a_renamed_executable_is_refused_and_nothing_is_stored(owner, media, content):
    before = state(media)
    with pytest.raises(Refusal, match="not a valid PDF"):
        upload(owner, content, name="contrat.pdf")
    assert state(media) == before


def test_an_executable_disguised_with_a_pdf_header_is_refused(owner, media):
    before = state(media)
    with pytest.raises(Refusal):
        upload(owner, b"%PDF-1.7\n" + ELF + b"\n%%EOF\n")
    assert state(media) == before


@pytest.mark.parametrize("keep", [0.5, 0.9, -3], ids=["half", "most", "no-eof"])
def test_a_truncated_pdf_is_refused_and_nothing_is_stored(owner, media, keep):
    content = make_pdf(pages=3)
    cut = int(len(content) * keep) if keep > 0 else len(content) + keep
    before = state(media)
    with pytest.raises(Refusal, match="not a valid PDF"):
        upload(owner, content[:cut])
    assert state(media) == before


def test_an_oversize_file_is_refused_and_nothing_is_stored(owner, media, settings):
    content = make_pdf()
    settings.UPLOAD_MAX_BYTES = len(content) - 1
    before = state(media)
    with pytest.raises(Refusal, match="too big"):
        upload(owner, content)
    with pytest.raises(Refusal, match="too big"):
        services.upload_document(
            organization=owner.organization,
            by=owner,
            title="Grand",
            uploaded_file=SimpleUploadedFile("grand.pdf", content, "application/pdf"),
            signer_roles=[Role.CLIENT_OWNER],
        )
    assert state(media) == before


def test_signer_roles_must_belong_to_the_organisation_kind(owner, media):
    before = state(media)
    for roles in ([Role.DESIGNER], [Role.AUDITOR], ["ceo"], []):
        with pytest.raises(Refusal):
            upload(owner, make_pdf(), roles=roles)
    assert state(media) == before


def test_a_learner_may_not_upload(learner, media):
    before = state(media)
    with pytest.raises(Refusal):
        upload(learner, make_pdf(), roles=[Role.LEARNER])
    assert state(media) == before


def test_a_member_of_another_organisation_may_not_upload_here(owner, outsider, media):
    before = state(media)
    with pytest.raises(Refusal):
        services.upload_document(
            organization=owner.organization,
            by=outsider,
            uploaded_file=(make_pdf(), "x.pdf"),
            title="Intrus",
            signer_roles=[Role.CLIENT_OWNER],
        )
    assert state(media) == before


def test_a_provider_admin_may_upload_for_a_client(staff_admin, client_org, media):
    document = services.upload_document(
        organization=client_org,
        by=staff_admin,
        uploaded_file=(make_pdf(), "pv.pdf"),
        title="Procès-verbal",
        signer_roles=[Role.CLIENT_OWNER],
    )
    assert document.organization == client_org
    assert AuditEvent.objects.filter(organization=client_org, action="document.uploaded").exists()


def test_the_same_file_twice_shares_one_stored_copy(owner, media):
    content = make_pdf()
    first, second = upload(owner, content), upload(owner, content)
    assert first.file.name == second.file.name
    assert len(stored_files(media)) == 1


def test_upload_by_a_learner_through_the_page_is_forbidden(learner, media):
    before = state(media)
    response = signed_in(learner).post(
        reverse("audit:document_list"),
        {
            "title": "X",
            "signer_roles": [Role.LEARNER],
            "file": SimpleUploadedFile("x.pdf", make_pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 403
    assert state(media) == before


def test_upload_through_the_page_then_the_document_is_listed(owner, media):
    client = signed_in(owner)
    response = client.post(
        reverse("audit:document_list"),
        {
            "title": "Note de cadrage",
            "signer_roles": [Role.CLIENT_OWNER, Role.CLIENT_MANAGER],
            "file": SimpleUploadedFile("note.pdf", make_pdf(), "application/pdf"),
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:document_detail", args=[document.pk])
    assert document.signer_roles == [Role.CLIENT_MANAGER, Role.CLIENT_OWNER]
    page = client.get(reverse("audit:document_list"))
    assert page.status_code == 200
    assert document.sha256[:12] in page.content.decode()


def test_a_renamed_executable_through_the_page_shows_an_error_and_stores_nothing(owner, media):
    before = state(media)
    response = signed_in(owner).post(
        reverse("audit:document_list"),
        {
            "title": "Contrat",
            "signer_roles": [Role.CLIENT_OWNER],
            "file": SimpleUploadedFile("contrat.pdf", MZ, "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "pas un document PDF valide" in response.content.decode()
    assert state(media) == before
