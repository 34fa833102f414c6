"""What an invoice's PDF prints, formatted the French way, always in French (a contractual
document of a French provider), from the frozen invoice only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.core import money
from saveit.core.dates import long_date
from saveit.core.pdf import render_pdf
from saveit.core.pdf.documents import base_labels

from .models import Invoice, InvoiceLine


def kind_title(invoice: Invoice) -> str:
    titles = {
        Invoice.Kind.DEPOSIT: _("Deposit invoice"),
        Invoice.Kind.BALANCE: _("Balance invoice"),
        Invoice.Kind.STANDARD: _("Invoice"),
        Invoice.Kind.SUBSCRIPTION: _("Subscription invoice"),
        Invoice.Kind.CANCELLATION: _("Cancellation indemnity invoice"),
        Invoice.Kind.PENALTY: _("Late payment penalties invoice"),
        Invoice.Kind.CREDIT_NOTE: _("Credit note"),
    }
    return str(titles[Invoice.Kind(invoice.kind)])


def _party(snapshot: dict[str, Any]) -> dict[str, str]:
    legal = [snapshot.get("name", ""), *snapshot.get("mentions", [])]
    if snapshot.get("activity_declaration"):
        legal.append(
            _("Training activity declaration no. %(number)s")
            % {"number": snapshot["activity_declaration"]}
        )
    return {
        "name": snapshot.get("name", ""),
        "address": snapshot.get("address", ""),
        "siren": snapshot.get("siren", ""),
        "vat": snapshot.get("vat", ""),
        "legal": " · ".join(part for part in legal if part),
    }


def line_rows(lines: list[InvoiceLine]) -> list[dict[str, str]]:
    return [
        {
            "label": line.label,
            "quantity": money.format_quantity(line.quantity),
            "unit_price": money.format_money(line.unit_price),
            "vat_rate": money.format_rate(line.vat_rate),
            "total_excl": money.format_money(line.total_excl),
        }
        for line in lines
    ]


def payment_mentions(invoice: Invoice) -> list[str]:
    terms = invoice.terms
    mentions: list[str] = []
    if invoice.is_credit_note:
        mentions.append(
            _("This credit note corrects invoice %(number)s; its amount is deducted from it.")
            % {"number": invoice.credited_invoice.number if invoice.credited_invoice else ""}
        )
    else:
        mentions.append(
            _("Payment due on receipt, at the latest on %(date)s (%(days)s days).")
            % {"date": long_date(invoice.due_on), "days": terms.get("payment_days", "30")}
        )
        mentions.append(
            _(
                "Late payment: penalties at %(times)s times the legal interest rate, per day "
                "late, and a fixed recovery indemnity of %(fee)s (French Commercial Code, "
                "art. L441-10)."
            )
            % {
                "times": money.format_quantity(
                    money.to_decimal(terms.get("late_penalty_multiplier", "3"))
                ),
                "fee": money.format_money(money.to_decimal(terms.get("recovery_fee", "40"))),
            }
        )
        mentions.append(_("No discount for early payment."))
        if invoice.seller.get("iban"):
            mentions.append(
                _("Payment by transfer: IBAN %(iban)s, BIC %(bic)s.")
                % {"iban": invoice.seller["iban"], "bic": invoice.seller.get("bic", "")}
            )
    if invoice.vat_exempt and terms.get("exemption_mention"):
        mentions.append(terms["exemption_mention"])
    mentions.extend(invoice.mentions)
    return mentions


def invoice_data(invoice: Invoice, lines: list[InvoiceLine]) -> dict[str, Any]:
    with override("fr"):
        title = kind_title(invoice)
        dates = [
            {"label": _("Date of supply"), "value": long_date(invoice.supplied_on)},
        ]
        if not invoice.is_credit_note:
            dates.append({"label": _("Due date"), "value": long_date(invoice.due_on)})
        if invoice.credited_invoice is not None:
            dates.append(
                {
                    "label": _("Corrected invoice"),
                    "value": _("%(number)s of %(date)s")
                    % {
                        "number": invoice.credited_invoice.number,
                        "date": long_date(invoice.credited_invoice.issued_on),
                    },
                }
            )
        if invoice.reason:
            dates.append({"label": _("Reason"), "value": invoice.reason})
        engagement = invoice.engagement
        data: dict[str, Any] = {
            "provider": _party(invoice.seller),
            "client": _party(invoice.buyer),
            "reference": invoice.number,
            "issued_on": long_date(invoice.issued_on),
            "document_date": {
                "year": invoice.issued_on.year,
                "month": invoice.issued_on.month,
                "day": invoice.issued_on.day,
            }
            if invoice.issued_on
            else None,
            "title": title,
            "engagement": {
                "title": engagement.title if engagement else "—",
                "reference": engagement.reference if engagement else "",
            },
            "dates": dates,
            "lines": line_rows(lines),
            "totals": {
                "excl": money.format_money(invoice.total_excl),
                "vat": money.format_money(invoice.total_vat),
                "incl": money.format_money(invoice.total_incl),
            },
            "vat_breakdown": [
                {
                    "rate": money.format_rate(Decimal(share["rate"])),
                    "base": money.format_money(Decimal(share["base"])),
                    "amount": money.format_money(Decimal(share["amount"])),
                }
                for share in invoice.vat_breakdown
            ],
            "mentions": payment_mentions(invoice),
            "labels": base_labels(title)
            | {
                "seller": _("Seller"),
                "buyer": _("Client"),
                "line_label": _("Designation"),
                "quantity": _("Qty"),
                "unit_price": _("Unit price excl. VAT"),
                "vat_rate": _("VAT"),
                "total_excl": _("Total excl. VAT"),
                "total_incl": _("Total incl. VAT"),
                "vat": _("VAT"),
                "vat_base": _("base"),
                "vat_total": _("Total VAT"),
                "payment_terms": _("Payment terms and legal mentions"),
            },
        }
        if invoice.is_credit_note:
            data["notice"] = _("Credit note: an amount owed back to the client.")
        elif invoice.vat_exempt:
            data["notice"] = invoice.terms.get("exemption_mention", "")
    return data


def render_invoice_pdf(invoice: Invoice, lines: list[InvoiceLine]) -> bytes:
    """The PDF/A-3b the Factur-X XML is then attached to."""
    return render_pdf("invoice", invoice_data(invoice, lines), pdf_standards=("a-3b",))


# --- Amendments ---------------------------------------------------------------------------------


def amendment_data(amendment: Any) -> dict[str, Any]:
    """What an amendment's PDF (and its page) shows: why, what changes, the price before and
    after (the signed proposal and the amendments signed before this one)."""
    from saveit.engagements import pdf_data as engagement_pdf

    from . import amendments

    engagement = amendment.engagement
    lines = [
        money.PriceLine(x.label, x.quantity, x.unit_price, x.vat_rate)
        for x in amendments.line_inputs(amendment)
    ]
    before = money.totals_of(
        money.PriceLine(x.label, x.quantity, x.unit_price, x.vat_rate)
        for x in amendments.proposal_lines(engagement)
        + [
            line
            for earlier in amendments.signed_amendments(engagement)
            if earlier.revision < amendment.revision
            for line in amendments.line_inputs(earlier)
        ]
    )
    change = money.totals_of(lines)
    after_excl, after_incl = before.excl + change.excl, before.incl + change.incl
    proposal = amendments._signed_proposal(engagement)
    with override("fr"):
        data = engagement_pdf.common(
            engagement,
            title=_("Amendment no. %(n)s to the proposal") % {"n": amendment.revision},
            reference=f"{engagement.reference}-AV{amendment.revision}",
            issued_on=engagement_pdf._issued_on(amendment),
        )
        data |= {
            "intro": _(
                "This amendment changes the technical and financial proposal %(ref)s signed by "
                "the client. Everything it does not change stays as signed."
            )
            % {"ref": f"{engagement.reference}-PT-r{proposal.revision}"},
            "reason": amendment.reason,
            "scope": amendment.scope,
            "lines": engagement_pdf._price_rows(lines),
            "summary": [
                {
                    "label": _("Price before this amendment, excl. VAT"),
                    "value": money.format_money(before.excl),
                },
                {
                    "label": _("Change made by this amendment, excl. VAT"),
                    "value": money.format_money(change.excl),
                },
                {"label": _("New total excl. VAT"), "value": money.format_money(after_excl)},
                {"label": _("New total incl. VAT"), "value": money.format_money(after_incl)},
            ],
            "statement": _(
                "By signing, the client accepts this change of scope and price. The deposit "
                "already invoiced stays due; the balance invoice follows the new total."
            ),
            "labels": base_labels(_("Amendment"))
            | engagement_pdf._price_labels()
            | {
                "reason": _("Reason for the change"),
                "scope": _("What changes"),
                "price": _("Price lines added or removed"),
                "no_lines": _("The price does not change."),
                "summary": _("Contract price"),
            },
        }
    return data


def render_amendment_pdf(amendment: Any) -> bytes:
    return render_pdf("amendment", amendment_data(amendment))
