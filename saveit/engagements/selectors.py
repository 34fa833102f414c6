"""Reads for engagements: current artefacts, timelines, the board, what awaits a signature."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from saveit.accounts.models import Membership
from saveit.audit.models import AuditEvent, Document

from .models import (
    ContractTerms,
    Engagement,
    MappingReport,
    ProformaInvoice,
    Proposal,
    PurchaseOrder,
    ScopingNote,
)


def current_scoping_note(engagement: Engagement) -> ScopingNote | None:
    return engagement.scoping_notes.select_related("document").order_by("-revision").first()


def current_mapping_report(engagement: Engagement) -> MappingReport | None:
    return engagement.mapping_reports.select_related("document").order_by("-revision").first()


def current_proposal(engagement: Engagement) -> Proposal | None:
    return engagement.proposals.select_related("document").order_by("-revision").first()


def current_purchase_order(engagement: Engagement) -> PurchaseOrder | None:
    return engagement.purchase_orders.select_related("document").order_by("-revision").first()


def proforma_for(proposal: Proposal) -> ProformaInvoice | None:
    return proposal.proformas.select_related("document").order_by("-created_at").first()


def in_force_version_ids(engagement: Engagement) -> list[int]:
    from saveit.documents.selectors import in_force_versions

    return [version.pk for version in in_force_versions(engagement)]


def terms_for(engagement: Engagement) -> ContractTerms:
    """The client's own terms, else the installation's defaults (the SPEC's figures)."""
    own = ContractTerms.objects.filter(client_id=engagement.client_id).first()
    if own is not None:
        return own
    default = ContractTerms.objects.filter(client__isnull=True).first()
    return default or ContractTerms()


def engagement_documents(engagement: Engagement) -> QuerySet[Document]:
    """Every evidence PDF of the engagement (artefacts, proformas, purchase orders)."""
    ids: list[int] = []
    for related in (
        engagement.scoping_notes,
        engagement.mapping_reports,
        engagement.proposals,
        engagement.purchase_orders,
        engagement.proformas,
        engagement.acceptance_records,  # type: ignore[attr-defined]
    ):
        ids.extend(i for i in related.values_list("document_id", flat=True) if i)
    return Document.objects.filter(pk__in=ids)


def timeline(engagement: Engagement) -> QuerySet[AuditEvent]:
    """Phase changes, artefacts and signatures, read from the client's audit chain."""
    document_ids = [str(pk) for pk in engagement_documents(engagement).values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(organization_id=engagement.client_id)
        .filter(
            Q(object_type="engagements.engagement", object_id=str(engagement.pk))
            | Q(object_type="audit.document", object_id__in=document_ids)
        )
        .select_related("actor_user")
        .order_by("seq")
    )


def timeline_entries(engagement: Engagement) -> list[AuditEvent]:
    """The timeline for the page: each document event carries the title of its document."""
    events = list(timeline(engagement))
    titles = dict(
        engagement_documents(engagement).values_list("pk", "title")  # type: ignore[arg-type]
    )
    for event in events:
        if event.object_type == "audit.document":
            event.subject = titles.get(int(event.object_id), "")  # type: ignore[attr-defined]
    return events


@dataclass(frozen=True)
class AwaitingSignature:
    engagement: Engagement
    document: Document
    label: str


def awaiting_signature(
    member: Membership, engagements: QuerySet[Engagement]
) -> list[AwaitingSignature]:
    """Documents of these engagements whose signature by this member's role is still missing."""
    from .artefact_kinds import ARTEFACT_KINDS

    items: list[AwaitingSignature] = []
    for engagement in engagements.exclude(phase__gt=7):
        for kind in ARTEFACT_KINDS:
            artefact = kind.current(engagement)
            document = getattr(artefact, "document", None)
            if document is None or member.role not in document.signer_roles:
                continue
            if document.signatures.filter(membership=member).exists():
                continue
            if document.organization_id != member.organization_id:
                continue
            items.append(AwaitingSignature(engagement, document, str(kind.label)))
    return items
