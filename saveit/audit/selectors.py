"""Reads of evidence documents and signatures for views, API and exports."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import AuditEvent, Document, Signature


@dataclass(frozen=True)
class SigningStatus:
    signed: int
    missing_roles: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing_roles


def signing_status(document: Document) -> SigningStatus:
    """Complete when every role asked to sign has at least one signature."""
    signatures = list(document.signatures.all())  # uses a prefetch when there is one
    signed_roles = {s.role for s in signatures}
    missing = [role for role in document.signer_roles if role not in signed_roles]
    return SigningStatus(signed=len(signatures), missing_roles=missing)


def signatures_of(document: Document) -> QuerySet[Signature]:
    return document.signatures.select_related("membership", "signer").order_by("signed_at")


def events_of(document: Document) -> QuerySet[AuditEvent]:
    """The audit events about this document, in the document's organisation chain."""
    object_type = Document._meta.label_lower
    return AuditEvent.objects.filter(
        organization_id=document.organization_id,
        object_type=object_type,
        object_id=str(document.pk),
    ).order_by("seq")
