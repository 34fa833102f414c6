"""The seller and the buyer as an invoice prints them, and the mentions French law requires
before an invoice may be issued (Code général des impôts, art. 242 nonies A; Code de commerce,
L441-9 and R123-237)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from saveit.accounts.models import Organization
from saveit.core.pdf.documents import company_mentions

from .models import BillingProfile, Invoice


def party_snapshot(organization: Organization) -> dict[str, Any]:
    """What is frozen of a party when the invoice is issued."""
    return {
        "id": organization.pk,
        "name": organization.name,
        "address": organization.address.strip(),
        "siren": organization.siren,
        "vat": organization.vat_number,
        "legal_form": organization.legal_form,
        "share_capital": (
            str(organization.share_capital) if organization.share_capital is not None else ""
        ),
        "rcs_city": organization.rcs_city,
        "mentions": company_mentions(organization),
    }


def seller_snapshot(organization: Organization, profile: BillingProfile | None) -> dict[str, Any]:
    snapshot = party_snapshot(organization)
    if profile is not None:
        snapshot |= {
            "activity_declaration": profile.activity_declaration,
            "iban": profile.iban,
            "bic": profile.bic,
        }
    return snapshot


def missing_mentions(invoice: Invoice, lines: list[Any]) -> list[str]:
    """Every mention the invoice lacks, in words the person issuing it understands."""
    seller, buyer = invoice.seller, invoice.buyer
    missing: list[str] = []

    def need(present: object, label: str) -> None:
        if not present:
            missing.append(label)

    need(seller.get("name"), _("the seller's name"))
    need(seller.get("address"), _("the seller's address"))
    need(seller.get("siren"), _("the seller's SIREN"))
    need(seller.get("legal_form"), _("the seller's legal form"))
    need(seller.get("share_capital"), _("the seller's share capital"))
    need(seller.get("rcs_city"), _("the seller's RCS registry"))
    if not invoice.vat_exempt:
        need(seller.get("vat"), _("the seller's VAT number"))
    need(buyer.get("name"), _("the buyer's name"))
    need(buyer.get("address"), _("the buyer's address"))
    need(buyer.get("siren"), _("the buyer's SIREN"))
    need(buyer.get("vat"), _("the buyer's VAT number"))
    need(invoice.supplied_on, _("the date of supply"))
    need(invoice.due_on, _("the due date"))
    need(invoice.terms.get("late_penalty_multiplier"), _("the late payment penalty rate"))
    need(invoice.terms.get("recovery_fee"), _("the fixed recovery indemnity"))
    need(lines, _("at least one line"))
    for number, line in enumerate(lines, start=1):
        if not (line.label or "").strip():
            missing.append(_("the designation of line %(n)s") % {"n": number})
        if not line.quantity:
            missing.append(_("the quantity of line %(n)s") % {"n": number})
        if line.unit_price is None:
            missing.append(_("the unit price of line %(n)s") % {"n": number})
        if line.vat_rate is None or (not invoice.vat_exempt and line.vat_rate < 0):
            missing.append(_("the VAT rate of line %(n)s") % {"n": number})
    if invoice.vat_exempt:
        need(invoice.terms.get("exemption_mention"), _("the VAT exemption mention"))
    if invoice.is_credit_note:
        need(invoice.credited_invoice_id, _("the invoice this credit note corrects"))
    return missing
