"""Invoices API, mounted at /api/v1/: list and read (tenant-scoped), the Factur-X PDF, drafts,
issue, credit notes, and the deposit and balance invoices of an engagement."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut
from saveit.core.refusals import get_in_scope
from saveit.engagements.permissions import access_engagement, clients_open_to

from . import selectors, services
from .models import Invoice, Payment
from .permissions import (
    access_invoice,
    can_manage_billing,
    invoices_visible_to,
    subscriptions_visible_to,
)

router = Router(tags=["invoices"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


class InvoiceOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    client_id: int
    engagement_id: int | None
    credited_invoice_id: int | None
    issued_at: datetime | None
    issued_on: date | None
    supplied_on: date | None
    due_on: date | None
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    pdf_sha256: str


class LineOut(Schema):
    label: str
    quantity: Decimal
    unit_price_excl_vat: Decimal
    vat_rate: Decimal
    total_excl_vat: Decimal


class InvoiceDetailOut(InvoiceOut):
    lines: list[LineOut]
    vat_breakdown: list[dict[str, str]]
    seller: dict[str, Any]
    buyer: dict[str, Any]
    reason: str
    paid: Decimal
    outstanding: Decimal


class InvoiceLineIn(Schema):
    label: str = Field(..., min_length=1, max_length=200)
    quantity: Decimal = Field(..., max_digits=12, decimal_places=2)
    unit_price_excl_vat: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    vat_rate: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)


class InvoiceIn(Schema):
    client_id: int
    kind: str = Field("standard", pattern="^(standard|subscription|cancellation|penalty)$")
    engagement_id: int | None = None
    supplied_on: date | None = None
    reason: str = Field("", max_length=2000)
    lines: list[InvoiceLineIn] = Field(..., min_length=1, max_length=200)


class DraftPatch(Schema):
    supplied_on: date | None = None
    reason: str | None = Field(None, max_length=2000)
    lines: list[InvoiceLineIn] | None = Field(None, min_length=1, max_length=200)


class CreditNoteIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    lines: list[InvoiceLineIn] | None = Field(None, min_length=1, max_length=200)


def _lines(lines: list[InvoiceLineIn] | None) -> list[services.LineInput] | None:
    if lines is None:
        return None
    return [
        services.LineInput(line.label, line.quantity, line.unit_price_excl_vat, line.vat_rate)
        for line in lines
    ]


def _out(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "state": invoice.state,
        "client_id": invoice.client_id,
        "engagement_id": invoice.engagement_id,
        "credited_invoice_id": invoice.credited_invoice_id,
        "issued_at": invoice.issued_at,
        "issued_on": invoice.issued_on,
        "supplied_on": invoice.supplied_on,
        "due_on": invoice.due_on,
        "total_excl_vat": invoice.total_excl,
        "total_vat": invoice.total_vat,
        "total_incl_vat": invoice.total_incl,
        "pdf_sha256": invoice.pdf_sha256,
    }


def _detail(invoice: Invoice) -> dict[str, Any]:
    paid = selectors.paid_on(invoice)
    return _out(invoice) | {
        "lines": [
            {
                "label": line.label,
                "quantity": line.quantity,
                "unit_price_excl_vat": line.unit_price,
                "vat_rate": line.vat_rate,
                "total_excl_vat": line.total_excl,
            }
            for line in invoice.lines.order_by("position", "pk")
        ],
        "vat_breakdown": invoice.vat_breakdown,
        "seller": invoice.seller,
        "buyer": invoice.buyer,
        "reason": invoice.reason,
        "paid": paid,
        "outstanding": selectors.outstanding(invoice, paid=paid),
    }


@router.get("/invoices", response={200: list[InvoiceOut], **COMMON_ERRORS})
def list_invoices(
    request: HttpRequest, kind: str | None = None, state: str | None = None
) -> list[dict[str, Any]]:
    """Issued invoices and credit notes a client sees (its own); provider staff see all,
    drafts included."""
    invoices = invoices_visible_to(acting_member(request))
    if kind:
        invoices = invoices.filter(kind=kind)
    if state:
        invoices = invoices.filter(state=state)
    return [_out(invoice) for invoice in invoices.order_by("-issued_on", "-number", "-pk")[:1000]]


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetailOut, **COMMON_ERRORS})
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    return _detail(access_invoice(acting_member(request), invoice_id))


@router.get(
    "/invoices/{invoice_id}/pdf",
    response={200: None, **WRITE_ERRORS},
    summary="Download the Factur-X PDF (PDF/A-3 with factur-x.xml attached)",
)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> FileResponse:
    from .views import pdf_response

    return pdf_response(access_invoice(acting_member(request), invoice_id))


@router.post("/invoices", response={201: InvoiceDetailOut, **WRITE_ERRORS})
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    client = get_in_scope(clients_open_to(member), payload.client_id)
    engagement = access_engagement(member, payload.engagement_id) if payload.engagement_id else None
    invoice = services.create_invoice(
        client=client,
        by=member,
        kind=payload.kind,
        lines=_lines(payload.lines) or [],
        engagement=engagement,
        supplied_on=payload.supplied_on,
        reason=payload.reason,
    )
    return 201, _detail(invoice)


@router.patch("/invoices/{invoice_id}", response={200: InvoiceDetailOut, **WRITE_ERRORS})
def update_invoice(request: HttpRequest, invoice_id: int, payload: DraftPatch) -> dict[str, Any]:
    """Drafts only: an issued invoice answers 409 (correct it with a credit note)."""
    member = acting_member(request)
    invoice = services.update_draft(
        invoice=access_invoice(member, invoice_id),
        by=member,
        lines=_lines(payload.lines),
        supplied_on=payload.supplied_on,
        reason=payload.reason,
    )
    return _detail(invoice)


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceDetailOut, **WRITE_ERRORS})
def issue_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    """Numbers the draft and stores its Factur-X PDF. 409 lists the missing mentions
    (`missing`)."""
    member = acting_member(request)
    return _detail(services.issue_invoice(invoice=access_invoice(member, invoice_id), by=member))


@router.post(
    "/invoices/{invoice_id}/credit-notes", response={201: InvoiceDetailOut, **WRITE_ERRORS}
)
def create_credit_note(
    request: HttpRequest, invoice_id: int, payload: CreditNoteIn
) -> tuple[int, dict[str, Any]]:
    """A draft credit note of the invoice (all of it when no lines are given)."""
    member = acting_member(request)
    note = services.create_credit_note(
        invoice=access_invoice(member, invoice_id),
        by=member,
        reason=payload.reason,
        lines=_lines(payload.lines),
    )
    return 201, _detail(note)


@router.post(
    "/engagements/{engagement_id}/invoices/deposit",
    response={201: InvoiceDetailOut, **WRITE_ERRORS},
)
def create_deposit(request: HttpRequest, engagement_id: int) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return 201, _detail(services.create_deposit_invoice(engagement=engagement, by=member))


@router.post(
    "/engagements/{engagement_id}/invoices/balance",
    response={201: InvoiceDetailOut, **WRITE_ERRORS},
)
def create_balance(request: HttpRequest, engagement_id: int) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return 201, _detail(services.create_balance_invoice(engagement=engagement, by=member))


class PaymentOut(Schema):
    id: int
    client_id: int
    method: str
    amount: Decimal
    received_on: date
    reference: str
    allocations: dict[str, Decimal]


class AllocationIn(Schema):
    invoice_id: int
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class PaymentIn(Schema):
    client_id: int
    method: str = Field(..., pattern="^(transfer|direct_debit|cheque)$")
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    received_on: date
    reference: str = Field("", max_length=80)
    allocations: list[AllocationIn] = Field(..., min_length=1, max_length=100)


def _payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "client_id": payment.client_id,
        "method": payment.method,
        "amount": payment.amount,
        "received_on": payment.received_on,
        "reference": payment.reference,
        "allocations": {str(a.invoice_id): a.amount for a in payment.allocations.all()},
    }


@router.get("/payments", response={200: list[PaymentOut], **COMMON_ERRORS})
def list_payments(request: HttpRequest) -> list[dict[str, Any]]:
    """Payments received (provider staff who invoice; others get an empty list)."""
    member = acting_member(request)
    if not can_manage_billing(member):
        return []
    payments = Payment.objects.prefetch_related("allocations").order_by("-received_on", "-pk")
    return [_payment_out(payment) for payment in payments[:1000]]


@router.post("/payments", response={201: PaymentOut, **WRITE_ERRORS})
def record_payment(request: HttpRequest, payload: PaymentIn) -> tuple[int, dict[str, Any]]:
    """A payment allocated to issued invoices of its client; 409 when an allocation exceeds
    what an invoice still owes."""
    member = acting_member(request)
    client = get_in_scope(clients_open_to(member), payload.client_id)
    allocations = [
        (access_invoice(member, item.invoice_id), item.amount) for item in payload.allocations
    ]
    payment = services.record_payment(
        client=client,
        by=member,
        method=payload.method,
        amount=payload.amount,
        received_on=payload.received_on,
        reference=payload.reference,
        allocations=allocations,
    )
    return 201, _payment_out(payment)


class SubscriptionOut(Schema):
    id: int
    client_id: int
    label: str
    annual_price_excl_vat: Decimal
    activated_on: date
    committed_until: date
    ends_on: date | None
    state: str
    invoice_ids: dict[str, int]


@router.get("/subscriptions", response={200: list[SubscriptionOut], **COMMON_ERRORS})
def list_subscriptions(request: HttpRequest) -> list[dict[str, Any]]:
    rows = subscriptions_visible_to(acting_member(request)).prefetch_related("periods")
    return [
        {
            "id": s.pk,
            "client_id": s.client_id,
            "label": s.label,
            "annual_price_excl_vat": s.annual_price,
            "activated_on": s.activated_on,
            "committed_until": s.committed_until,
            "ends_on": s.ends_on,
            "state": s.state,
            "invoice_ids": {str(p.year): p.invoice_id for p in s.periods.all()},
        }
        for s in rows
    ]
