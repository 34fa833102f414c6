"""Reads of the billing app: amounts paid and due, receivables by age, an engagement's
invoices. Callers pass querysets already scoped by permissions.invoices_visible_to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from saveit.core import money

from .models import Invoice

ZERO = Decimal("0.00")
AGE_BUCKETS = ((0, "not_due"), (30, "1_30"), (60, "31_60"), (90, "61_90"), (None, "over_90"))


def paid_on(invoice: Invoice) -> Decimal:
    # SQLite's SUM loses the decimal places: amounts are brought back to cents.
    return money.cents(invoice.allocations.aggregate(total=Sum("amount"))["total"] or ZERO)


def credited_on(invoice: Invoice) -> Decimal:
    return (
        invoice.credit_notes.filter(state=Invoice.State.ISSUED).aggregate(total=Sum("total_incl"))[
            "total"
        ]
        or ZERO
    )


def outstanding(invoice: Invoice, *, paid: Decimal | None = None) -> Decimal:
    """What the client still owes on an issued invoice (credit notes and payments deducted)."""
    if not invoice.is_issued or invoice.is_credit_note:
        return ZERO
    paid = paid_on(invoice) if paid is None else paid
    return max(ZERO, invoice.total_incl - credited_on(invoice) - paid)


def days_late(invoice: Invoice, today: date | None = None) -> int:
    today = today or timezone.localdate()
    if invoice.due_on is None:
        return 0
    return max(0, (today - invoice.due_on).days)


def is_in_default(invoice: Invoice, *, due: Decimal | None = None) -> bool:
    """Past due with something left to pay (never a credit note or a draft): what a suspension
    for payment default cites. `due`: its outstanding amount, when the caller has it."""
    due = outstanding(invoice) if due is None else due
    return due > 0 and days_late(invoice) > 0


def overdue_invoices(invoices: QuerySet[Invoice], client_id: int) -> list[Invoice]:
    """The client's issued invoices in default, among those the asker may see."""
    issued = invoices.filter(client_id=client_id, state=Invoice.State.ISSUED)
    return [invoice for invoice in issued if is_in_default(invoice)]


@dataclass
class Receivable:
    invoice: Invoice
    outstanding: Decimal
    days_late: int
    bucket: str


@dataclass
class AgedReceivables:
    rows: list[Receivable] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO


def bucket_of(late: int) -> str:
    for limit, name in AGE_BUCKETS:
        if limit is None or late <= limit:
            return name
    return "over_90"


def aged_receivables(invoices: QuerySet[Invoice], today: date | None = None) -> AgedReceivables:
    report = AgedReceivables(totals={name: ZERO for _limit, name in AGE_BUCKETS})
    candidates = invoices.filter(state=Invoice.State.ISSUED).exclude(kind=Invoice.Kind.CREDIT_NOTE)
    for invoice in candidates.select_related("client").order_by("due_on", "number"):
        due = outstanding(invoice)
        if due <= 0:
            continue
        late = days_late(invoice, today)
        row = Receivable(invoice, due, late, bucket_of(late))
        report.rows.append(row)
        report.totals[row.bucket] += due
        report.total += due
    return report
