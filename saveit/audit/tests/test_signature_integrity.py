"""A signed document never changes: a modified stored file is detected and cannot be signed."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from saveit.accounts.roles import Role
from saveit.audit import services
from saveit.audit.chain import verify_chain
from saveit.audit.models import AuditEvent, Signature
from saveit.core.errors import Refusal
from saveit.testing.factories import PASSWORD, make_document
from saveit.testing.pdf import make_pdf

INTENT = "J'ai lu ce document et je l'approuve."


@pytest.fixture
def signed(owner):  # type: ignore[no-untyped-def]
    document = make_document(owner)
    services.sign_document(document=document, by=owner, intent=INTENT, password=PASSWORD)
    return document


def tamper(media, document) -> None:  # type: ignore[no-untyped-def]
    # An incremental update appended behind the application's back: still a readable PDF.
    path = media / document.file.name
    path.write_bytes(path.read_bytes() + b"%% appended\n")


def test_an_untouched_document_verifies(signed):
    result = services.verify_document(signed)
    assert result.ok and result.actual_sha256 == result.stored_sha256 == signed.sha256
    assert [check.ok for check in result.signatures] == [True]


def test_a_file_modified_on_disk_is_reported_modified(signed, media):
    tamper(media, signed)
    result = services.verify_document(signed)
    assert not result.ok and result.actual_sha256 != signed.sha256
    assert [check.ok for check in result.signatures] == [False]


def test_a_modified_file_cannot_be_signed_again(signed, media, manager):
    tamper(media, signed)
    before = (Signature.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Refusal, match="no longer matches"):
        services.sign_document(document=signed, by=manager, intent=INTENT, password=PASSWORD)
    assert (Signature.objects.count(), AuditEvent.objects.count()) == before
    assert verify_chain(signed.organization).ok


def test_a_missing_file_is_reported_modified(signed):
    default_storage.delete(signed.file.name)
    result = services.verify_document(signed)
    assert not result.ok and result.actual_sha256 is None


def test_there_is_no_service_to_replace_the_bytes():
    assert not [name for name in dir(services) if name.startswith(("replace", "update", "edit"))]


def test_uploading_again_after_tampering_stores_the_true_bytes_elsewhere(signed, media, owner):
    tamper(media, signed)
    again = services.upload_document(
        organization=owner.organization,
        by=owner,
        uploaded_file=(make_pdf(), "note.pdf"),
        title="Note",
        signer_roles=[Role.CLIENT_OWNER],
    )
    assert again.sha256 == signed.sha256
    assert services.verify_document(again).ok
