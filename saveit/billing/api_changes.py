"""Contract changes API, mounted at /api/v1/: amendments (avenants), cancellation or
postponement, late penalties and suspension for payment default. Each wraps its service; the
client's content owner reads its engagement's issued amendments (it signs them through the
documents API, like every artefact) and nothing else here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut
from saveit.core.errors import Forbidden, Refusal
from saveit.core.refusals import get_in_scope
from saveit.engagements.permissions import access_engagement, clients_open_to
from saveit.engagements.signing import owner_signature, state_of

from . import amendments, cancellation, collection, selectors
from .api import InvoiceDetailOut, _detail
from .models import Amendment, Suspension
from .permissions import (
    access_amendment,
    access_invoice,
    amendments_visible_to,
    can_manage_billing,
    can_read_billing,
    invoices_visible_to,
)
from .services import LineInput

router = Router(tags=["contract changes"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


class AmendmentLineOut(Schema):
    label: str
    quantity: Decimal
    unit_price_excl_vat: Decimal
    vat_rate: Decimal


class AmendmentOut(Schema):
    id: int
    engagement_id: int
    number: int
    state: str = Field(..., description="draft, awaiting_signature, signed or altered")
    reason: str
    scope: str
    lines: list[AmendmentLineOut]
    change_excl_vat: Decimal
    document_id: int | None
    document_sha256: str | None
    signed_at: datetime | None
    reopening_id: int | None = Field(None, description="The reopening this amendment justified")


class AmendmentLineIn(Schema):
    label: str = Field(..., min_length=1, max_length=200)
    quantity: Decimal = Field(
        ..., max_digits=12, decimal_places=2, description="Negative to remove a line"
    )
    unit_price_excl_vat: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    vat_rate: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)


class AmendmentIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000)
    scope: str = Field(..., min_length=1, max_length=4000)
    lines: list[AmendmentLineIn] = Field(default_factory=list, max_length=20)


def _amendment_out(amendment: Amendment) -> dict[str, Any]:
    signature = owner_signature(amendment) if amendment.is_issued else None
    return {
        "id": amendment.pk,
        "engagement_id": amendment.engagement_id,
        "number": amendment.revision,
        "state": str(state_of(amendment)),
        "reason": amendment.reason,
        "scope": amendment.scope,
        "lines": [
            {
                "label": line.label,
                "quantity": line.quantity,
                "unit_price_excl_vat": line.unit_price,
                "vat_rate": line.vat_rate,
            }
            for line in amendments.line_inputs(amendment)
        ],
        "change_excl_vat": amendments.totals_of_amendment(amendment).excl,
        "document_id": amendment.document_id,
        "document_sha256": amendment.document.sha256 if amendment.document else None,
        "signed_at": signature.signed_at if signature else None,
        "reopening_id": amendment.reopening_id,
    }


def _reader_engagement(request: HttpRequest, engagement_id: int) -> tuple[Any, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    if not can_read_billing(member):
        raise Forbidden(_("Your role does not give access to invoicing."))
    return member, engagement


@router.get(
    "/engagements/{engagement_id}/amendments",
    response={200: list[AmendmentOut], **COMMON_ERRORS},
)
def list_amendments(request: HttpRequest, engagement_id: int) -> list[dict[str, Any]]:
    """The engagement's amendments: all for the provider's billing staff, the issued ones for
    the client's content owner."""
    member, engagement = _reader_engagement(request, engagement_id)
    rows = amendments_visible_to(member, engagement).order_by("revision")
    return [_amendment_out(a) for a in rows]


@router.post(
    "/engagements/{engagement_id}/amendments",
    response={201: AmendmentOut, **WRITE_ERRORS},
)
def create_amendment(
    request: HttpRequest, engagement_id: int, payload: AmendmentIn
) -> tuple[int, dict[str, Any]]:
    """A draft amendment (the proposal must be signed; 409 while another one is unsigned)."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    amendment = amendments.create_amendment(
        engagement=engagement,
        by=member,
        reason=payload.reason,
        scope=payload.scope,
        lines=[
            LineInput(x.label, x.quantity, x.unit_price_excl_vat, x.vat_rate) for x in payload.lines
        ],
    )
    return 201, _amendment_out(amendment)


@router.get(
    "/engagements/{engagement_id}/amendments/{amendment_id}",
    response={200: AmendmentOut, **COMMON_ERRORS},
)
def get_amendment(request: HttpRequest, engagement_id: int, amendment_id: int) -> dict[str, Any]:
    member, engagement = _reader_engagement(request, engagement_id)
    return _amendment_out(access_amendment(member, engagement, amendment_id))


@router.post(
    "/engagements/{engagement_id}/amendments/{amendment_id}/issue",
    response={200: AmendmentOut, **WRITE_ERRORS},
)
def issue_amendment(request: HttpRequest, engagement_id: int, amendment_id: int) -> dict[str, Any]:
    """Renders and stores the PDF; the client's content owner then signs its document
    (`POST /api/v1/documents/{document_id}/sign`)."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    amendment = access_amendment(member, engagement, amendment_id)
    amendments.issue_amendment(amendment=amendment, by=member)
    amendment.refresh_from_db()
    return _amendment_out(amendment)


# --- Cancellation or postponement ---------------------------------------------------------------


class CancellationIn(Schema):
    start: date = Field(..., description="The first day of the session cancelled or postponed")
    received_on: date = Field(..., description="The day the written request was received")


class CancellationOut(Schema):
    days_before_start: int
    refund: bool = Field(..., description="True: the deposit is refunded by credit note")
    credit_note_ids: list[int]
    indemnity_invoice_id: int | None
    indemnity_excl_vat: Decimal


@router.post(
    "/engagements/{engagement_id}/cancellation",
    response={201: CancellationOut, **WRITE_ERRORS},
)
def record_cancellation(
    request: HttpRequest, engagement_id: int, payload: CancellationIn
) -> tuple[int, dict[str, Any]]:
    """At least 15 days before the start: draft credit notes of the deposit; later: a draft
    indemnity invoice of 25 % of the total incl. VAT; after the start: 409 (due in full)."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    result = cancellation.record_cancellation(
        engagement=engagement, by=member, start=payload.start, received_on=payload.received_on
    )
    return 201, {
        "days_before_start": (payload.start - payload.received_on).days,
        "refund": result.indemnity is None,
        "credit_note_ids": [note.pk for note in result.refunded],
        "indemnity_invoice_id": result.indemnity.pk if result.indemnity else None,
        "indemnity_excl_vat": result.indemnity.total_excl if result.indemnity else Decimal(0),
    }


# --- Late penalties -----------------------------------------------------------------------------


class PenaltiesIn(Schema):
    until: date | None = Field(None, description="Penalties run to this day (default: today)")


@router.post("/invoices/{invoice_id}/penalties", response={201: InvoiceDetailOut, **WRITE_ERRORS})
def invoice_penalties(
    request: HttpRequest, invoice_id: int, payload: PenaltiesIn
) -> tuple[int, dict[str, Any]]:
    """A draft invoice of the late payment penalties of this invoice and the fixed recovery
    indemnity; 409 when it is not late or already has one."""
    member = acting_member(request)
    invoice = access_invoice(member, invoice_id)
    if payload.until is not None and payload.until > timezone.localdate():
        raise Refusal(_("Penalties cannot run to a day in the future."), code="until")
    penalty = collection.invoice_late_penalties(invoice=invoice, by=member, until=payload.until)
    return 201, _detail(penalty)


# --- Suspension for payment default -------------------------------------------------------------


class SuspensionOut(Schema):
    id: int
    client_id: int
    reason: str
    invoice_ids: list[int]
    suspended_at: datetime
    lifted_at: datetime | None


class SuspensionIn(Schema):
    client_id: int
    reason: str = Field(..., min_length=1, max_length=2000)


def _suspension_out(suspension: Suspension) -> dict[str, Any]:
    return {
        "id": suspension.pk,
        "client_id": suspension.client_id,
        "reason": suspension.reason,
        "invoice_ids": sorted(i.pk for i in suspension.invoices.all()),
        "suspended_at": suspension.suspended_at,
        "lifted_at": suspension.lifted_at,
    }


def _suspensions(member: Any) -> Any:
    if not can_manage_billing(member):
        return Suspension.objects.none()
    return Suspension.objects.prefetch_related("invoices")


@router.get("/suspensions", response={200: list[SuspensionOut], **COMMON_ERRORS})
def list_suspensions(request: HttpRequest) -> list[dict[str, Any]]:
    """Suspensions, open and lifted (the provider's billing staff; others get an empty list)."""
    rows = _suspensions(acting_member(request)).order_by("-suspended_at")[:1000]
    return [_suspension_out(s) for s in rows]


@router.post("/suspensions", response={201: SuspensionOut, **WRITE_ERRORS})
def suspend_client(request: HttpRequest, payload: SuspensionIn) -> tuple[int, dict[str, Any]]:
    """Suspend a client's service for its overdue unpaid invoices (provider administrators;
    409 when none is overdue or the client is already suspended)."""
    member = acting_member(request)
    client = get_in_scope(clients_open_to(member), payload.client_id)
    overdue = selectors.overdue_invoices(invoices_visible_to(member), client.pk)
    suspension = collection.suspend_client(
        client=client, by=member, reason=payload.reason, invoices=overdue
    )
    return 201, _suspension_out(suspension)


@router.post("/suspensions/{suspension_id}/lift", response={200: SuspensionOut, **WRITE_ERRORS})
def lift_suspension(request: HttpRequest, suspension_id: int) -> dict[str, Any]:
    member = acting_member(request)
    suspension = get_in_scope(_suspensions(member), suspension_id)
    if suspension.lifted_at is not None:
        raise Refusal(_("This client is not suspended."), code="not_suspended")
    return _suspension_out(collection.lift_suspension(client=suspension.client, by=member))
