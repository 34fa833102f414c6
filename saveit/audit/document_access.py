"""Who may read, upload and sign evidence documents; access_* fetch and check in one call."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import (
    DOCUMENT_EDITOR_ROLES,
    DOCUMENT_READER_ROLES,
    SIGNER_ROLES,
    is_provider_admin,
)
from saveit.core.refusals import not_found

from .models import Document
from .services import signing_refusal


def _scoped(member: Membership | None) -> QuerySet[Document]:
    if member is None:
        return Document.objects.none()
    queryset = Document.objects.select_related("organization", "created_by__user")
    if is_provider_admin(member):
        return queryset
    return queryset.filter(organization_id=member.organization_id)


def can_list_documents(member: Membership | None) -> bool:
    """Readers, and members of a role that may be asked to sign (they see what they must sign)."""
    return member is not None and (
        is_provider_admin(member) or member.role in DOCUMENT_READER_ROLES | SIGNER_ROLES
    )


def can_read_document(member: Membership | None, document: Document) -> bool:
    if member is None:
        return False
    if is_provider_admin(member):
        return True
    if member.organization_id != document.organization_id:
        return False
    # A signer must be able to read what they are asked to sign, whatever their role.
    return member.role in DOCUMENT_READER_ROLES or member.role in document.signer_roles


def can_upload_documents(member: Membership | None, organization: Organization) -> bool:
    if member is None:
        return False
    if is_provider_admin(member):
        return True
    return member.organization_id == organization.pk and member.role in DOCUMENT_EDITOR_ROLES


def can_sign_document(member: Membership | None, document: Document) -> bool:
    return signing_refusal(document, member) is None


def readable_documents(member: Membership | None) -> list[Document]:
    """The acting organisation's documents this member may read, newest first."""
    if not can_list_documents(member):
        return []
    assert member is not None
    documents = (
        _scoped(member)
        .filter(organization_id=member.organization_id)
        .prefetch_related("signatures")
        .order_by("-created_at")
    )
    if is_provider_admin(member) or member.role in DOCUMENT_READER_ROLES:
        return list(documents)
    # signer_roles is JSON, and SQLite cannot search inside it: keep the check in Python.
    return [d for d in documents if can_read_document(member, d)]


def access_document(member: Membership | None, document_id: int) -> Document:
    """Same 404 for 'does not exist' and 'not yours', so ids reveal nothing."""
    document = _scoped(member).filter(pk=document_id).first()
    if document is None or not can_read_document(member, document):
        raise not_found(Document, document_id)
    return document


def require_upload_right(member: Membership | None, organization: Organization) -> None:
    if not can_upload_documents(member, organization):
        raise PermissionDenied


# An app above knows documents that read as a page (an engagement's artefacts): they are signed
# there, where the signer sees what they sign, never from the bare file's evidence page.
_READING_PAGES: list[Callable[[Document], str | None]] = []


def register_reading_page(finder: Callable[[Document], str | None]) -> None:
    if finder not in _READING_PAGES:
        _READING_PAGES.append(finder)


def reading_page_of(document: Document) -> str | None:
    """The URL of the page where this document is read and signed, if it has one."""
    for finder in _READING_PAGES:
        if url := finder(document):
            return url
    return None
