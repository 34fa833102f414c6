"""Engagements API, mounted at /api/v1/engagements/ (phases 0–2 and the gate)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from saveit.accounts.models import Membership, Organization
from saveit.accounts.permissions import acting_member
from saveit.audit.models import AuditEvent
from saveit.core.api_support import COMMON_ERRORS, ErrorOut, Id
from saveit.core.refusals import get_in_scope
from saveit.engagements import selectors, services
from saveit.engagements.artefacts import artefact_kinds
from saveit.engagements.models import Engagement, ProformaInvoice, PurchaseOrder, SignedArtefact
from saveit.engagements.permissions import (
    access_engagement,
    can_manage_engagement,
    clients_open_to,
    engagements_visible_to,
)
from saveit.engagements.services.commercial import TERMS_FIELDS
from saveit.engagements.signing import state_of

from . import services as workflow
from .gates import gate_status

router = Router(tags=["engagements"])


class CheckOut(Schema):
    check: str
    message: str


class GateRefusalOut(Schema):
    detail: str
    code: str
    phase: int
    unmet: list[CheckOut]


WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}
ADVANCE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: GateRefusalOut | ErrorOut}


class ArtefactOut(Schema):
    kind: str
    revision: int
    state: str
    document_id: int | None
    document_sha256: str | None
    content_sha256: str
    issued_at: datetime | None


class EngagementOut(Schema):
    id: int
    reference: str
    title: str
    client_id: int
    client_name: str
    phase: int
    phase_label: str
    project_manager_id: int
    client_owner_id: int | None
    started_on: date
    target_end_on: date | None
    closed_at: datetime | None
    waiting_for: str | None
    unmet: list[CheckOut]


class EngagementDetailOut(EngagementOut):
    artefacts: list[ArtefactOut]
    proforma_number: str | None


class EngagementIn(Schema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=10000)
    project_manager_id: int | None = None
    client_owner_id: int | None = None
    started_on: date | None = None
    target_end_on: date | None = None


class ReopenIn(Schema):
    to_phase: int = Field(..., ge=0, le=7)
    reason: str = Field(..., min_length=1, max_length=2000)
    changes_scope: bool = Field(
        ...,
        description="Does the reopening change the scope or the price? If so (back to phase 3 "
        "or later), a signed amendment of the engagement not used by another reopening is "
        "required: 409 otherwise.",
    )


class InterviewIn(Schema):
    held_on: date
    participants: str = Field(..., min_length=1, max_length=5000)
    notes: str = Field(..., min_length=1, max_length=20000)


class ScopingNoteIn(Schema):
    objectives: str = Field("", max_length=20000)
    scope: str = Field("", max_length=5000)
    constraints: str = Field("", max_length=20000)
    expectations: str = Field("", max_length=20000)
    planning: str = Field("", max_length=5000)


class LineIn(Schema):
    label: str = Field(..., min_length=1, max_length=200)
    quantity: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    unit_price: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    vat_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


class DeliverableIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    source_ids: list[Id] = Field(default_factory=list, max_length=50)


class ProposalIn(Schema):
    need: str = Field(..., min_length=1, max_length=20000)
    planning: str = Field("", max_length=5000)
    valid_until: date | None = None
    terms: str = Field("", max_length=20000)
    lines: list[LineIn] = Field(..., max_length=30)
    deliverables: list[DeliverableIn] = Field(..., max_length=20)


class ProformaOut(Schema):
    number: str
    issued_on: date
    due_on: date
    total_excl: Decimal
    total_vat: Decimal
    total_incl: Decimal
    deposit: Decimal
    document_id: int
    document_sha256: str


class TimelineEventOut(Schema):
    seq: int
    action: str
    created_at: datetime
    actor_role: str
    after: dict[str, Any]


class ContractTermsOut(Schema):
    client_id: int
    own: bool  # false: the client follows the installation's defaults
    vat_rate: Decimal
    deposit_rate: Decimal
    deposit_threshold: Decimal
    payment_days: int
    balance_days_after_delivery: int
    recovery_fee: Decimal
    late_penalty_multiplier: Decimal
    proposal_validity_days: int


class ContractTermsIn(Schema):
    """Only the fields given change."""

    vat_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    deposit_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    deposit_threshold: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    payment_days: int | None = Field(None, ge=0, le=365)
    balance_days_after_delivery: int | None = Field(None, ge=0, le=365)
    recovery_fee: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    late_penalty_multiplier: Decimal | None = Field(None, ge=0, max_digits=4, decimal_places=1)
    proposal_validity_days: int | None = Field(None, ge=1, le=365)


class ToSignOut(Schema):
    engagement_id: int
    engagement_reference: str
    document_id: int
    label: str


def _artefact(code: str, artefact: SignedArtefact) -> dict[str, Any]:
    kind = next(kind for kind in artefact_kinds() if kind.code == code)
    needs = kind.signed and not (
        isinstance(artefact, PurchaseOrder) and artefact.kind == PurchaseOrder.Kind.UPLOADED
    )
    state = state_of(artefact, needs_signature=needs)
    return {
        "kind": code,
        "revision": artefact.revision,
        "state": str(state),
        "document_id": artefact.document_id,
        "document_sha256": artefact.document.sha256 if artefact.document else None,
        "content_sha256": artefact.content_sha256,
        "issued_at": artefact.issued_at,
    }


def _out(engagement: Engagement, *, detail: bool = False) -> dict[str, Any]:
    status = gate_status(engagement)
    unmet = status.unmet
    data: dict[str, Any] = {
        **{
            name: getattr(engagement, name)
            for name in EngagementOut.model_fields
            if hasattr(engagement, name)
        },
        "client_name": engagement.client.name,
        "waiting_for": status.waiting_for,
        "unmet": [{"check": c.name, "message": str(c.message)} for c in unmet],
    }
    if detail:
        data["artefacts"] = [
            _artefact(kind.code, artefact)
            for kind in artefact_kinds()
            if (artefact := kind.current(engagement)) is not None
        ]
        proposal = selectors.current_proposal(engagement)
        proforma = selectors.proforma_for(proposal) if proposal else None
        data["proforma_number"] = proforma.number if proforma else None
    return data


def _member_or_404(member_id: int | None, *organizations: Organization) -> Membership | None:
    """A membership of one of these organisations; another's id answers 404."""
    if member_id is None:
        return None
    return get_in_scope(Membership.objects.filter(organization__in=organizations), member_id)


@router.get("", response={200: list[EngagementOut], **COMMON_ERRORS})
def list_engagements(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(e) for e in engagements_visible_to(acting_member(request)).order_by("reference")]


@router.get("/to-sign", response={200: list[ToSignOut], **COMMON_ERRORS})
def list_to_sign(request: HttpRequest) -> list[dict[str, Any]]:
    member = acting_member(request)
    return [
        {
            "engagement_id": item.engagement.pk,
            "engagement_reference": item.engagement.reference,
            "document_id": item.document.pk,
            "label": item.label,
        }
        for item in selectors.awaiting_signature(member, engagements_visible_to(member))
    ]


@router.post("", response={201: EngagementOut, **WRITE_ERRORS})
def create_engagement(request: HttpRequest, payload: EngagementIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    client = get_in_scope(clients_open_to(member), payload.client_id)
    engagement = services.create_engagement(
        client=client,
        by=member,
        title=payload.title,
        summary=payload.summary,
        project_manager=_member_or_404(payload.project_manager_id, member.organization),
        client_owner=_member_or_404(payload.client_owner_id, client),
        started_on=payload.started_on,
        target_end_on=payload.target_end_on,
    )
    return 201, _out(engagement)


@router.get("/{engagement_id}", response={200: EngagementDetailOut, **COMMON_ERRORS})
def get_engagement(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    return _out(access_engagement(acting_member(request), engagement_id), detail=True)


@router.post("/{engagement_id}/advance", response={200: EngagementOut, **ADVANCE_ERRORS})
def advance_engagement(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    """Move to the next phase; 409 lists every unmet check of the gate and changes nothing."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _out(workflow.advance_phase(engagement=engagement, by=member))


@router.post("/{engagement_id}/reopen", response={200: EngagementOut, **WRITE_ERRORS})
def reopen_engagement(
    request: HttpRequest, engagement_id: int, payload: ReopenIn
) -> dict[str, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _out(
        workflow.reopen_phase(
            engagement=engagement,
            by=member,
            to_phase=payload.to_phase,
            reason=payload.reason,
            changes_scope=payload.changes_scope,
        )
    )


@router.get("/{engagement_id}/timeline", response={200: list[TimelineEventOut], **COMMON_ERRORS})
def engagement_timeline(request: HttpRequest, engagement_id: int) -> list[AuditEvent]:
    return list(selectors.timeline(access_engagement(acting_member(request), engagement_id)))


@router.post("/{engagement_id}/interviews", response={201: dict[str, int], **WRITE_ERRORS})
def record_interview(
    request: HttpRequest, engagement_id: int, payload: InterviewIn
) -> tuple[int, dict[str, int]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    interview = services.record_interview(engagement=engagement, by=member, **payload.dict())
    return 201, {"id": interview.pk}


@router.put("/{engagement_id}/scoping-note", response={200: ArtefactOut, **WRITE_ERRORS})
def save_scoping_note(
    request: HttpRequest, engagement_id: int, payload: ScopingNoteIn
) -> dict[str, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    note = services.save_scoping_note(engagement=engagement, by=member, **payload.dict())
    return _artefact("scoping_note", note)


@router.post("/{engagement_id}/scoping-note/issue", response={200: ArtefactOut, **WRITE_ERRORS})
def issue_scoping_note(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _artefact("scoping_note", services.issue_scoping_note(engagement=engagement, by=member))


@router.post("/{engagement_id}/mapping-report", response={200: ArtefactOut, **WRITE_ERRORS})
def generate_mapping_report(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    report = workflow.generate_mapping_report(engagement=engagement, by=member)
    return _artefact("mapping_report", report)


@router.put("/{engagement_id}/proposal", response={200: ArtefactOut, **WRITE_ERRORS})
def save_proposal(request: HttpRequest, engagement_id: int, payload: ProposalIn) -> dict[str, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    proposal = services.save_proposal(
        engagement=engagement,
        by=member,
        need=payload.need,
        planning=payload.planning,
        valid_until=payload.valid_until,
        terms=payload.terms,
        lines=[
            services.LineInput(line.label, line.quantity, line.unit_price, line.vat_rate)
            for line in payload.lines
        ],
        deliverables=[
            services.DeliverableInput(d.title, d.description, d.source_ids)
            for d in payload.deliverables
        ],
    )
    return _artefact("proposal", proposal)


@router.post("/{engagement_id}/proposal/issue", response={200: ArtefactOut, **WRITE_ERRORS})
def issue_proposal(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _artefact("proposal", services.issue_proposal(engagement=engagement, by=member))


def _proforma_out(proforma: ProformaInvoice) -> dict[str, Any]:
    return {
        **{
            name: getattr(proforma, name)
            for name in ProformaOut.model_fields
            if hasattr(proforma, name)
        },
        "document_sha256": proforma.document.sha256,
    }


@router.post("/{engagement_id}/proforma", response={201: ProformaOut, **WRITE_ERRORS})
def issue_proforma(request: HttpRequest, engagement_id: int) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return 201, _proforma_out(services.issue_proforma(engagement=engagement, by=member))


@router.post("/{engagement_id}/purchase-order", response={201: ArtefactOut, **WRITE_ERRORS})
def upload_purchase_order(
    request: HttpRequest,
    engagement_id: int,
    file: File[UploadedFile],
    client_reference: Form[str] = "",
) -> tuple[int, dict[str, Any]]:
    """The client's own purchase order, as a PDF (checked on its content)."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    order = services.record_purchase_order(
        engagement=engagement, by=member, uploaded_file=file, client_reference=client_reference
    )
    return 201, _artefact("purchase_order", order)


@router.post("/{engagement_id}/purchase-agreement", response={201: ArtefactOut, **WRITE_ERRORS})
def issue_purchase_agreement(
    request: HttpRequest, engagement_id: int
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    order = services.create_purchase_agreement(engagement=engagement, by=member)
    return 201, _artefact("purchase_order", order)


def _terms_client(request: HttpRequest, client_id: int) -> tuple[Membership, Organization]:
    member = acting_member(request)
    if not can_manage_engagement(member):
        raise PermissionDenied
    return member, get_in_scope(clients_open_to(member), client_id)


def _terms_out(client: Organization) -> dict[str, Any]:
    terms = selectors.terms_for_client(client)
    return {
        **model_to_dict(terms, TERMS_FIELDS),
        "client_id": client.pk,
        "own": terms.client_id == client.pk,
    }


@router.get("/contract-terms/{client_id}", response={200: ContractTermsOut, **COMMON_ERRORS})
def get_contract_terms(request: HttpRequest, client_id: int) -> dict[str, Any]:
    """A client's commercial terms (its own, else the defaults); provider managers only."""
    _member, client = _terms_client(request, client_id)
    return _terms_out(client)


@router.put("/contract-terms/{client_id}", response={200: ContractTermsOut, **WRITE_ERRORS})
def update_contract_terms(
    request: HttpRequest, client_id: int, payload: ContractTermsIn
) -> dict[str, Any]:
    member, client = _terms_client(request, client_id)
    values = {name: value for name, value in payload.dict().items() if value is not None}
    services.update_contract_terms(client=client, by=member, values=values)
    return _terms_out(client)
