"""Every write of the billing app: drafts, issue (number + Factur-X + stored PDF), credit notes.

Issue is one transaction: the series counter row is locked by `next_number`, the PDF and the
XML are built and checked, the file is stored and the audit event appended; any failure rolls
everything back, the number included, so the series never has a gap (SPEC §13).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership, Organization
from saveit.accounts.selectors import provider_organization
from saveit.audit.chain import record_event
from saveit.audit.services import store_generated_pdf
from saveit.core import money
from saveit.core.errors import Forbidden, Refusal
from saveit.core.numbering import next_number
from saveit.engagements.models import Engagement
from saveit.engagements.selectors import current_delivery_note, current_proposal, terms_for_client
from saveit.engagements.signing import State, owner_signature, state_of

from . import facturx_xml
from .identities import missing_mentions, party_snapshot, seller_snapshot
from .models import BillingProfile, Invoice, InvoiceLine, Payment, PaymentAllocation
from .pdf_data import kind_title, render_invoice_pdf
from .permissions import can_manage_billing

MAX_AMOUNT = Decimal("9999999999")


@dataclass(frozen=True)
class LineInput:
    label: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal


class MissingMentions(Refusal):
    """An invoice lacking mandatory mentions: the message lists them, the API gets the list."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            _("The invoice cannot be issued: %(missing)s missing.")
            % {"missing": ", ".join(missing)},
            code="mentions",
        )
        self.missing = missing

    def details(self) -> dict[str, object]:
        return {"missing": self.missing}


def require_biller(by: Membership) -> None:
    if not by.is_current() or not can_manage_billing(by):
        raise Forbidden(_("Only the provider's project managers and administrators can invoice."))


def billing_profile() -> BillingProfile | None:
    provider = provider_organization()
    if provider is None:
        return None
    profile, _created = BillingProfile.objects.get_or_create(organization=provider)
    return profile


def _terms(client: Organization, engagement: Engagement | None) -> dict[str, str]:
    terms = terms_for_client(client)
    profile = billing_profile()
    snapshot = {
        "vat_rate": str(terms.vat_rate),
        "deposit_rate": str(terms.deposit_rate),
        "deposit_threshold": str(terms.deposit_threshold),
        "payment_days": str(terms.payment_days),
        "balance_days_after_delivery": str(terms.balance_days_after_delivery),
        "recovery_fee": str(terms.recovery_fee),
        "late_penalty_multiplier": str(terms.late_penalty_multiplier),
        "deposit_basis": "incl" if profile and profile.deposit_basis_incl_vat else "excl",
    }
    if profile is not None and profile.vat_exempt_training:
        snapshot["exemption_mention"] = profile.exemption_mention
    if engagement is not None:
        snapshot["engagement_reference"] = engagement.reference
    return snapshot


def _checked(lines: list[LineInput], *, allow_negative_quantity: bool = False) -> list[LineInput]:
    if not lines:
        raise Refusal(_("An invoice needs at least one line."), code="lines")
    for number, line in enumerate(lines, start=1):
        if not (line.label or "").strip() or len(line.label) > 200:
            raise Refusal(_("Line %(n)s needs a designation.") % {"n": number}, code="lines")
        low = -MAX_AMOUNT if allow_negative_quantity else Decimal(0)
        if not (low <= line.quantity <= MAX_AMOUNT) or line.quantity == 0:
            raise Refusal(_("Line %(n)s: the quantity is not valid.") % {"n": number}, code="lines")
        if not (Decimal(0) <= line.unit_price <= MAX_AMOUNT):
            raise Refusal(
                _("Line %(n)s: the unit price must not be negative.") % {"n": number},
                code="lines",
            )
        if not (Decimal(0) <= line.vat_rate <= Decimal(100)):
            raise Refusal(_("Line %(n)s: the VAT rate is not valid.") % {"n": number}, code="lines")
    return lines


def _may_deduct(kind: str) -> bool:
    """Balance invoices deduct the deposit in lines of negative quantity (and so do their
    credit notes)."""
    return kind in (Invoice.Kind.BALANCE, Invoice.Kind.CREDIT_NOTE)


def _write_lines(invoice: Invoice, lines: list[LineInput]) -> None:
    exempt = invoice.vat_exempt
    InvoiceLine.objects.filter(invoice=invoice).delete()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            label=line.label.strip(),
            quantity=line.quantity,
            unit_price=money.cents(line.unit_price),
            # An exempt provider charges no VAT, whatever the proposal said.
            vat_rate=Decimal(0) if exempt else line.vat_rate,
            total_excl=money.cents(line.quantity * money.cents(line.unit_price)),
        )
        for position, line in enumerate(lines)
    )
    _compute_totals(invoice)


def _compute_totals(invoice: Invoice) -> money.Totals:
    totals = money.totals_of(
        money.PriceLine(line.label, line.quantity, line.unit_price, line.vat_rate)
        for line in invoice.lines.order_by("position", "pk")
    )
    invoice.total_excl, invoice.total_vat, invoice.total_incl = totals.excl, totals.vat, totals.incl
    invoice.vat_breakdown = [
        {"rate": str(share.rate), "base": str(share.base), "amount": str(share.amount)}
        for share in totals.breakdown
    ]
    return totals


@transaction.atomic
def create_invoice(
    *,
    client: Organization,
    by: Membership,
    kind: str,
    lines: list[LineInput],
    engagement: Engagement | None = None,
    supplied_on: date | None = None,
    reason: str = "",
    mentions: list[str] | None = None,
    credited_invoice: Invoice | None = None,
    deducted_invoice: Invoice | None = None,
) -> Invoice:
    """A draft invoice: nothing is numbered, stored or shown to the client before issue."""
    require_biller(by)
    if client.is_provider:
        raise Refusal(_("Invoices are addressed to a client organisation."), code="client")
    if engagement is not None and engagement.client_id != client.pk:
        raise Refusal(_("This engagement belongs to another client."), code="engagement")
    if kind not in Invoice.Kind.values:
        raise Refusal(_("Unknown kind of invoice."), code="kind")
    profile = billing_profile()
    invoice = Invoice.objects.create(
        client=client,
        engagement=engagement,
        kind=kind,
        supplied_on=supplied_on,
        reason=(reason or "").strip(),
        mentions=list(mentions or []),
        credited_invoice=credited_invoice,
        deducted_invoice=deducted_invoice,
        terms=_terms(client, engagement),
        vat_exempt=bool(profile and profile.vat_exempt_training),
        created_by=by,
    )
    _write_lines(invoice, _checked(lines, allow_negative_quantity=_may_deduct(kind)))
    invoice.save()
    record_event(
        organization=client,
        action="billing.invoice_drafted",
        actor=by,
        target=invoice,
        after={"kind": kind, "total_incl": str(invoice.total_incl)},
    )
    return invoice


def _lock_draft(invoice: Invoice) -> Invoice:
    invoice = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    if invoice.is_issued:
        raise Refusal(
            _(
                "Invoice %(number)s is issued: it can no longer change. Correct it with a credit "
                "note."
            )
            % {"number": invoice.number},
            code="issued",
        )
    return invoice


@transaction.atomic
def update_draft(
    *,
    invoice: Invoice,
    by: Membership,
    lines: list[LineInput] | None = None,
    supplied_on: date | None = None,
    reason: str | None = None,
) -> Invoice:
    require_biller(by)
    invoice = _lock_draft(invoice)
    before = {"total_incl": str(invoice.total_incl), "supplied_on": str(invoice.supplied_on)}
    if lines is not None:
        _write_lines(invoice, _checked(lines, allow_negative_quantity=_may_deduct(invoice.kind)))
    if supplied_on is not None:
        invoice.supplied_on = supplied_on
    if reason is not None:
        invoice.reason = reason.strip()
    invoice.save()
    record_event(
        organization=invoice.client,
        action="billing.invoice_draft_updated",
        actor=by,
        target=invoice,
        before=before,
        after={"total_incl": str(invoice.total_incl), "supplied_on": str(invoice.supplied_on)},
    )
    return invoice


@transaction.atomic
def delete_draft(*, invoice: Invoice, by: Membership) -> None:
    require_biller(by)
    invoice = _lock_draft(invoice)
    record_event(
        organization=invoice.client,
        action="billing.invoice_draft_deleted",
        actor=by,
        target=invoice,
        before={"kind": invoice.kind, "total_incl": str(invoice.total_incl)},
    )
    invoice.lines.all().delete()
    invoice.delete()


# --- Issue --------------------------------------------------------------------------------------


def credited_so_far(invoice: Invoice, *, excluding: Invoice | None = None) -> Decimal:
    notes = Invoice.objects.filter(credited_invoice=invoice, state=Invoice.State.ISSUED)
    if excluding is not None:
        notes = notes.exclude(pk=excluding.pk)
    return sum((note.total_incl for note in notes), Decimal(0))


def creditable(invoice: Invoice) -> Decimal:
    """What credit notes may still give back on `invoice` (incl. VAT)."""
    return invoice.total_incl - credited_so_far(invoice)


def _check_credit(note: Invoice) -> None:
    original = note.credited_invoice
    if original is None or not original.is_issued or original.is_credit_note:
        raise Refusal(_("A credit note corrects an issued invoice."), code="credited_invoice")
    # The original's row is the lock: two credit notes of one invoice issue one after the other.
    Invoice.objects.select_for_update().filter(pk=original.pk).first()
    remaining = original.total_incl - credited_so_far(original, excluding=note)
    if note.total_incl > remaining:
        raise Refusal(
            _(
                "The credit note (%(amount)s) exceeds what invoice %(number)s still allows to "
                "credit (%(remaining)s)."
            )
            % {
                "amount": money.format_money(note.total_incl),
                "number": original.number,
                "remaining": money.format_money(remaining),
            },
            code="credit_too_large",
        )


def _freeze_parties(invoice: Invoice) -> None:
    provider = provider_organization()
    profile = billing_profile()
    invoice.seller = seller_snapshot(provider, profile) if provider else {}
    invoice.buyer = party_snapshot(invoice.client)


def _dates(invoice: Invoice, today: date) -> None:
    invoice.issued_on = today
    if invoice.is_credit_note:
        invoice.due_on = today
    else:
        invoice.due_on = today + timedelta(days=int(invoice.terms.get("payment_days", "30")))


@transaction.atomic
def issue_invoice(*, invoice: Invoice, by: Membership) -> Invoice:
    """Number, freeze, render, check and store the invoice: all of it, or nothing."""
    require_biller(by)
    invoice = _lock_draft(invoice)
    lines = list(invoice.lines.order_by("position", "pk"))
    _freeze_parties(invoice)
    _dates(invoice, timezone.localdate())
    _compute_totals(invoice)
    if invoice.vat_exempt and any(line.vat_rate for line in lines):
        raise Refusal(_("An exempt invoice carries no VAT on its lines."), code="exempt")
    with override("fr"):  # the list is read by the person issuing, in the contract language
        missing = missing_mentions(invoice, lines)
    if missing:
        raise MissingMentions(missing)
    if invoice.is_credit_note:
        _check_credit(invoice)
    elif invoice.total_incl <= 0:
        raise Refusal(_("An invoice's total must be positive."), code="total")
    invoice.series = (billing_profile() or BillingProfile()).series
    assert invoice.issued_on is not None
    invoice.number = next_number(invoice.series, invoice.issued_on.year)
    pdf = render_invoice_pdf(invoice, lines)
    xml = facturx_xml.build_xml(invoice, lines)
    try:
        facturx_xml.check_xml(xml)
    except facturx_xml.FacturXError as error:
        raise Refusal(
            _("The e-invoice (Factur-X) fails its checks: %(detail)s") % {"detail": error},
            code="facturx",
        ) from error
    content = facturx_xml.embed(
        pdf, xml, title=f"{kind_title(invoice)} {invoice.number}", seller=invoice.seller["name"]
    )
    with override("fr"):
        title = f"{kind_title(invoice)} {invoice.number}"
    invoice.document = store_generated_pdf(
        organization=invoice.client,
        by=by,
        content=content,
        name=f"{invoice.number}.pdf",
        title=title,
        signer_roles=[],
    )
    invoice.pdf_sha256 = invoice.document.sha256
    invoice.xml_sha256 = hashlib.sha256(xml).hexdigest()
    invoice.state = Invoice.State.ISSUED
    invoice.issued_at, invoice.issued_by = timezone.now(), by
    invoice.save()
    record_event(
        organization=invoice.client,
        action="billing.invoice_issued",
        actor=by,
        target=invoice,
        after={
            "number": invoice.number,
            "kind": invoice.kind,
            "total_excl": str(invoice.total_excl),
            "total_vat": str(invoice.total_vat),
            "total_incl": str(invoice.total_incl),
            "credited_invoice": invoice.credited_invoice_id,
            "document": invoice.document.pk,
            "pdf_sha256": invoice.pdf_sha256,
            "xml_sha256": invoice.xml_sha256,
        },
    )
    return invoice


# --- Invoices made from the engagement's artefacts ----------------------------------------------


def _signed_proposal(engagement: Engagement):
    proposal = current_proposal(engagement)
    if proposal is None or state_of(proposal) != State.SIGNED:
        raise Refusal(_("The client has not signed the current proposal."), code="unsigned")
    return proposal


def _live(queryset):
    """Invoices not fully cancelled by credit notes."""
    return [invoice for invoice in queryset if creditable(invoice) > 0]


def deposit_lines(engagement: Engagement) -> list[LineInput]:
    """The deposit of the signed proposal: its rate of each VAT base, so the deposit carries the
    proposal's VAT rates; empty when the total stays under the threshold."""
    proposal = _signed_proposal(engagement)
    terms = _terms(engagement.client, engagement)
    totals = money.totals_of(
        money.PriceLine(line.label, line.quantity, line.unit_price, line.vat_rate)
        for line in proposal.lines.order_by("position", "pk")
    )
    basis = totals.incl if terms["deposit_basis"] == "incl" else totals.excl
    if basis <= Decimal(terms["deposit_threshold"]):
        return []
    rate = Decimal(terms["deposit_rate"])
    reference = f"{engagement.reference}-PT-r{proposal.revision}"
    with override("fr"):
        return [
            LineInput(
                _("Deposit of %(rate)s on proposal %(ref)s (VAT %(vat)s)")
                % {
                    "rate": money.format_rate(rate),
                    "ref": reference,
                    "vat": money.format_rate(share.rate),
                },
                Decimal(1),
                money.cents(share.base * rate / 100),
                share.rate,
            )
            for share in totals.breakdown
        ]


@transaction.atomic
def create_deposit_invoice(*, engagement: Engagement, by: Membership) -> Invoice:
    require_biller(by)
    proposal = _signed_proposal(engagement)
    existing = Invoice.objects.filter(engagement=engagement, kind=Invoice.Kind.DEPOSIT)
    if _live(existing.filter(state=Invoice.State.ISSUED)) or existing.filter(state="draft"):
        raise Refusal(_("This engagement already has its deposit invoice."), code="exists")
    lines = deposit_lines(engagement)
    if not lines:
        raise Refusal(
            _("No deposit is due: the proposal's total does not exceed the threshold."),
            code="no_deposit",
        )
    signature = owner_signature(proposal)
    return create_invoice(
        client=engagement.client,
        by=by,
        kind=Invoice.Kind.DEPOSIT,
        lines=lines,
        engagement=engagement,
        supplied_on=timezone.localdate(signature.signed_at) if signature else None,
    )


def delivery_date(engagement: Engagement) -> date | None:
    """The day the client signed the current delivery note (the supply date of the balance)."""
    note = current_delivery_note(engagement)
    if note is None or state_of(note) != State.SIGNED:
        return None
    signature = owner_signature(note)
    return timezone.localdate(signature.signed_at) if signature else None


def balance_deadline(engagement: Engagement) -> date | None:
    """The contract's promise: the balance is invoiced within N days of delivery."""
    delivered = delivery_date(engagement)
    if delivered is None:
        return None
    days = int(_terms(engagement.client, engagement)["balance_days_after_delivery"])
    return delivered + timedelta(days=days)


@transaction.atomic
def create_balance_invoice(*, engagement: Engagement, by: Membership) -> Invoice:
    """The full price of the signed proposal and its signed amendments, less the deposit
    invoiced (line by line, at its VAT rates, so the VAT already invoiced is not charged
    twice)."""
    require_biller(by)
    delivered = delivery_date(engagement)
    if delivered is None:
        raise Refusal(
            _("The balance is invoiced once the client has signed the delivery note."),
            code="not_delivered",
        )
    existing = Invoice.objects.filter(engagement=engagement, kind=Invoice.Kind.BALANCE)
    if _live(existing.filter(state=Invoice.State.ISSUED)) or existing.filter(state="draft"):
        raise Refusal(_("This engagement already has its balance invoice."), code="exists")
    if Invoice.objects.filter(
        engagement=engagement, kind=Invoice.Kind.DEPOSIT, state=Invoice.State.DRAFT
    ).exists():
        raise Refusal(_("Issue or delete the draft deposit invoice first."), code="deposit_draft")
    from .amendments import amended_lines

    # The signed proposal's price as amended by every signed amendment (SPEC §13).
    lines = amended_lines(engagement)
    deposits = _live(
        Invoice.objects.filter(
            engagement=engagement, kind=Invoice.Kind.DEPOSIT, state=Invoice.State.ISSUED
        )
    )
    with override("fr"):
        for deposit in deposits:
            for line in deposit.lines.order_by("position", "pk"):
                lines.append(
                    LineInput(
                        _("Deposit invoiced on %(number)s, deducted (VAT %(vat)s)")
                        % {"number": deposit.number, "vat": money.format_rate(line.vat_rate)},
                        -line.quantity,
                        line.unit_price,
                        line.vat_rate,
                    )
                )
    from .contracts import funder_deductions

    rate = Decimal(_terms(engagement.client, engagement)["vat_rate"])
    lines.extend(funder_deductions(engagement, rate))
    return create_invoice(
        client=engagement.client,
        by=by,
        kind=Invoice.Kind.BALANCE,
        lines=lines,
        engagement=engagement,
        supplied_on=delivered,
        deducted_invoice=deposits[0] if deposits else None,
    )


@transaction.atomic
def create_credit_note(
    *,
    invoice: Invoice,
    by: Membership,
    reason: str,
    lines: list[LineInput] | None = None,
) -> Invoice:
    """A draft credit note of `invoice`: all of it by default, or the given lines."""
    require_biller(by)
    if not invoice.is_issued or invoice.is_credit_note:
        raise Refusal(_("A credit note corrects an issued invoice."), code="credited_invoice")
    if not (reason or "").strip():
        raise Refusal(_("Give the reason of the credit note."), code="reason")
    if lines is None:
        lines = [
            LineInput(line.label, line.quantity, line.unit_price, line.vat_rate)
            for line in invoice.lines.order_by("position", "pk")
        ]
        # A full credit after partial ones would exceed the invoice: credit what remains.
        if credited_so_far(invoice):
            raise Refusal(
                _("Part of this invoice was already credited: give the lines to credit."),
                code="partial",
            )
    note = create_invoice(
        client=invoice.client,
        by=by,
        kind=Invoice.Kind.CREDIT_NOTE,
        lines=lines,
        engagement=invoice.engagement,
        supplied_on=invoice.supplied_on,
        reason=reason,
        credited_invoice=invoice,
    )
    if note.total_incl > creditable(invoice):
        raise Refusal(
            _(
                "The credit note (%(amount)s) exceeds what invoice %(number)s still allows to "
                "credit (%(remaining)s)."
            )
            % {
                "amount": money.format_money(note.total_incl),
                "number": invoice.number,
                "remaining": money.format_money(creditable(invoice)),
            },
            code="credit_too_large",
        )
    return note


# --- Payments -----------------------------------------------------------------------------------


@transaction.atomic
def record_payment(
    *,
    client: Organization,
    by: Membership,
    method: str,
    amount: Decimal,
    received_on: date,
    reference: str = "",
    allocations: list[tuple[Invoice, Decimal]],
) -> Payment:
    """A payment received, allocated to issued invoices of the same client; never more than an
    invoice still owes, never more than the payment itself."""
    from .selectors import outstanding

    require_biller(by)
    if method not in Payment.Method.values:
        raise Refusal(_("Unknown payment method."), code="method")
    if amount <= 0 or amount > MAX_AMOUNT:
        raise Refusal(_("The amount received must be positive."), code="amount")
    if received_on > timezone.localdate():
        raise Refusal(_("A payment cannot be received in the future."), code="received_on")
    if sum((share for _invoice, share in allocations), Decimal(0)) > amount:
        raise Refusal(_("The allocations exceed the amount received."), code="allocations")
    payment = Payment.objects.create(
        client=client,
        method=method,
        amount=money.cents(amount),
        received_on=received_on,
        reference=(reference or "").strip()[:80],
        recorded_by=by,
    )
    for invoice, share in allocations:
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.client_id != client.pk or not locked.is_issued or locked.is_credit_note:
            raise Refusal(
                _("A payment is allocated to issued invoices of its client."), code="invoice"
            )
        due = outstanding(locked)
        if share <= 0 or share > due:
            raise Refusal(
                _("Invoice %(number)s owes %(due)s: the allocation cannot exceed it.")
                % {"number": locked.number, "due": money.format_money(due)},
                code="allocation_too_large",
            )
        PaymentAllocation.objects.create(payment=payment, invoice=locked, amount=share)
    record_event(
        organization=client,
        action="billing.payment_recorded",
        actor=by,
        target=payment,
        after={
            "method": method,
            "amount": str(payment.amount),
            "received_on": str(received_on),
            "allocations": {str(invoice.pk): str(share) for invoice, share in allocations},
        },
    )
    return payment
