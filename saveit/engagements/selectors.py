"""Reads for engagements: current artefacts, timelines, the board, what awaits a signature."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import Role
from saveit.accounts.selectors import members_of
from saveit.audit.models import AuditEvent, Document, Signature
from saveit.core.prepared import Prepared

from .models import (
    ContractTerms,
    DeliveryNote,
    Engagement,
    MappingReport,
    ProformaInvoice,
    Proposal,
    PurchaseOrder,
    ScopingNote,
)
from .signing import State, is_expired, state_of


def current_client_owners(engagement: Engagement) -> list[Membership]:
    return [
        m for m in members_of(engagement.client).filter(role=Role.CLIENT_OWNER) if m.is_current()
    ]


def awaited_client_owners(engagement: Engagement) -> list[Membership]:
    """Whom the engagement waits for at the client: the content owner named on it, or every
    current content owner when none is named (or the named one left)."""
    named = engagement.client_owner
    if (
        named is not None
        and named.organization_id == engagement.client_id
        and named.role == Role.CLIENT_OWNER
        and named.is_current()
    ):
        return [named]
    return current_client_owners(engagement)


def current_scoping_note(engagement: Engagement) -> ScopingNote | None:
    return engagement.scoping_notes.select_related("document").order_by("-revision").first()


def signed_scoping_note(engagement: Engagement) -> ScopingNote | None:
    """The latest revision the client signed (and that is unchanged since), if any."""
    for note in engagement.scoping_notes.select_related("document").order_by("-revision"):
        if state_of(note) == State.SIGNED:
            return note
    return None


def current_mapping_report(engagement: Engagement) -> MappingReport | None:
    return engagement.mapping_reports.select_related("document").order_by("-revision").first()


def current_proposal(engagement: Engagement) -> Proposal | None:
    return engagement.proposals.select_related("document").order_by("-revision").first()


def current_purchase_order(engagement: Engagement) -> PurchaseOrder | None:
    return engagement.purchase_orders.select_related("document").order_by("-revision").first()


def current_delivery_note(engagement: Engagement) -> DeliveryNote | None:
    return engagement.delivery_notes.select_related("document").order_by("-revision").first()


def engagement_proforma(engagement: Engagement, proforma_id: int) -> ProformaInvoice | None:
    """One proforma of this engagement (None for another engagement's id)."""
    return (
        engagement.proformas.select_related("document", "engagement__client")
        .filter(pk=proforma_id)
        .first()
    )


def proforma_for(proposal: Proposal) -> ProformaInvoice | None:
    return proposal.proformas.select_related("document").order_by("-created_at").first()


def terms_for(engagement: Engagement) -> ContractTerms:
    """The client's own terms, else the installation's defaults (the SPEC's figures)."""
    return terms_for_client(engagement.client)


def terms_for_client(client: Organization) -> ContractTerms:
    own = ContractTerms.objects.filter(client_id=client.pk).first()
    if own is not None:
        return own
    default = ContractTerms.objects.filter(client__isnull=True).first()
    return default or ContractTerms()


def engagement_documents(engagement: Engagement) -> QuerySet[Document]:
    """Every evidence PDF of the engagement: each registered artefact's revisions, and the
    proformas issued with its proposals."""
    from .artefacts import artefact_kinds

    ids: list[int] = []
    for kind in artefact_kinds():
        ids.extend(i for i in kind.revisions(engagement).values_list("document_id", flat=True) if i)
    ids.extend(i for i in engagement.proformas.values_list("document_id", flat=True) if i)
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
    titles = dict(engagement_documents(engagement).values_list("pk", "title"))
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
    """Current artefacts of these open engagements that wait for a signature of this member's
    role: issued, unchanged since, and not yet signed by any of the client's content owners."""
    from .artefacts import artefact_kinds

    items: list[AwaitingSignature] = []
    for engagement in engagements.filter(closed_at__isnull=True):
        for kind in artefact_kinds():
            artefact = kind.current(engagement)
            document = getattr(artefact, "document", None)
            if document is None or member.role not in document.signer_roles:
                continue
            if document.organization_id != member.organization_id:
                continue
            if state_of(artefact) != State.AWAITING_SIGNATURE:
                continue
            if isinstance(artefact, Proposal) and is_expired(artefact):
                continue  # its signature would no longer count
            if document.signatures.filter(membership=member).exists():
                continue
            items.append(AwaitingSignature(engagement, document, str(kind.label)))
    return items


def documents_to_sign(member: Membership) -> list[Document]:
    """The cheap twin of `awaiting_signature`, in one query (the navigation counts it on every
    page): issued documents of the member's organisation that are the current revision of an
    artefact of an open engagement, not signed by a content owner over these bytes, nor by the
    member, and (proposals) still within their validity date. The one case it cannot see is an
    artefact altered after issue (a content hash, checked by `awaiting_signature`)."""
    documents = _DOCUMENTS_TO_SIGN.all(
        organization_id=member.organization_id,
        membership_id=member.pk,
        today=timezone.localdate(),
    )
    # JSON "contains" is not portable to SQLite: the role is checked here, on a handful of rows.
    return [d for d in documents if member.role in d.signer_roles]


def _documents_to_sign_query(
    organization_id: int, membership_id: int, today: dt.date
) -> QuerySet[Document]:
    from .artefacts import artefact_kinds

    current: list[Exists] = []
    for kind in artefact_kinds():
        if not kind.signed:
            continue
        manager = kind.model._default_manager
        later = manager.filter(engagement=OuterRef("engagement"), revision__gt=OuterRef("revision"))
        artefacts = manager.filter(
            document=OuterRef("pk"), engagement__closed_at__isnull=True
        ).exclude(Exists(later))
        if kind.model is Proposal:
            artefacts = artefacts.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        current.append(Exists(artefacts))
    owner_signed = Signature.objects.filter(
        document=OuterRef("pk"),
        role=Role.CLIENT_OWNER,
        organization_id=OuterRef("organization_id"),
        membership__organization_id=OuterRef("organization_id"),
        membership__role=Role.CLIENT_OWNER,
        document_sha256=OuterRef("sha256"),
    )
    mine = Signature.objects.filter(document=OuterRef("pk"), membership_id=membership_id)
    return (
        Document.objects.filter(organization_id=organization_id)
        .filter(reduce(operator.or_, current))
        .exclude(Exists(owner_signed))
        .exclude(Exists(mine))
        .only("pk", "signer_roles", "created_at")
    )


# Built once per connection: its many subqueries cost more to compile than to run, on every page.
_DOCUMENTS_TO_SIGN = Prepared(
    _documents_to_sign_query, organization_id=int, membership_id=int, today=dt.date
)
