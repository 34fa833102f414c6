from __future__ import annotations

from decimal import Decimal

import pytest

from saveit.accounts.models import Organization
from saveit.billing import services
from saveit.billing.models import BillingProfile, Invoice
from saveit.billing.services import LineInput, MissingMentions
from saveit.core.errors import Forbidden, Refusal
from saveit.core.numbering import next_number  # noqa: F401  (the series counter used)

from .conftest import draft


def test_missing_mentions_are_listed_and_nothing_is_numbered(provider, client_org, pm):
    # The client has no SIREN, VAT number nor address; the provider no VAT number.
    invoice = draft(client_org, pm)
    with pytest.raises(MissingMentions) as refused:
        services.issue_invoice(invoice=invoice, by=pm)
    missing = refused.value.missing
    assert "le SIREN de l'acheteur" in missing
    assert "le numéro de TVA de l'acheteur" in missing
    assert "l'adresse de l'acheteur" in missing
    assert "le numéro de TVA du vendeur" in missing
    assert refused.value.details() == {"missing": missing}
    invoice.refresh_from_db()
    assert invoice.state == "draft" and invoice.number == ""


def test_missing_supply_date_is_refused(billable, pm):
    invoice = services.create_invoice(
        client=billable,
        by=pm,
        kind="standard",
        lines=[LineInput("Audit", Decimal(1), Decimal(100), Decimal(20))],
    )
    with pytest.raises(MissingMentions) as refused:
        services.issue_invoice(invoice=invoice, by=pm)
    assert refused.value.missing == ["la date de la livraison ou de la prestation"]


def test_exempt_provider_prints_the_mention_and_charges_no_vat(billable, provider, pm):
    BillingProfile.objects.update_or_create(
        organization=provider, defaults={"vat_exempt_training": True}
    )
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    assert invoice.total_vat == 0 and invoice.total_incl == invoice.total_excl
    assert "261-4-4°" in invoice.terms["exemption_mention"]
    from facturx import get_xml_from_pdf

    _name, xml = get_xml_from_pdf(invoice.document.file.read(), check_xsd=True)
    assert b"<ram:CategoryCode>E</ram:CategoryCode>" in xml
    assert b"261-4-4" in xml


def test_a_credit_note_larger_than_its_invoice_is_refused(billable, pm):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    with pytest.raises(Refusal) as refused:
        services.create_credit_note(
            invoice=invoice,
            by=pm,
            reason="Geste commercial",
            lines=[LineInput("Remise", Decimal(1), Decimal(5000), Decimal(20))],
        )
    assert refused.value.code == "credit_too_large"
    partial = services.create_credit_note(
        invoice=invoice,
        by=pm,
        reason="Un guide de moins",
        lines=[LineInput("Guide imprimé", Decimal(1), Decimal("10.55"), Decimal("5.5"))],
    )
    services.issue_invoice(invoice=partial, by=pm)
    assert services.creditable(invoice) == invoice.total_incl - Decimal("11.13")
    with pytest.raises(Refusal) as refused:
        services.create_credit_note(invoice=invoice, by=pm, reason="Tout annuler")
    assert refused.value.code == "partial"
    # Two drafts together larger than the invoice: the second one is refused at issue.
    rest = [LineInput("Conception", Decimal(2), Decimal(1200), Decimal(20))]
    first = services.create_credit_note(invoice=invoice, by=pm, reason="a", lines=rest)
    second = services.create_credit_note(invoice=invoice, by=pm, reason="b", lines=rest)
    services.issue_invoice(invoice=first, by=pm)
    with pytest.raises(Refusal) as refused:
        services.issue_invoice(invoice=second, by=pm)
    assert refused.value.code == "credit_too_large"


def test_credit_note_references_its_invoice_in_the_xml(billable, pm):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    note = services.issue_invoice(
        invoice=services.create_credit_note(invoice=invoice, by=pm, reason="Erreur"), by=pm
    )
    from facturx import get_xml_from_pdf

    _name, xml = get_xml_from_pdf(note.document.file.read(), check_xsd=True)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert f"<ram:IssuerAssignedID>{invoice.number}</ram:IssuerAssignedID>".encode() in xml
    # One series for invoices and credit notes.
    assert note.number.rsplit("-", 1)[0] == invoice.number.rsplit("-", 1)[0]


def test_clients_and_designers_cannot_invoice(billable, owner, designer):
    with pytest.raises(Forbidden):
        draft(billable, owner)
    with pytest.raises(Forbidden):
        draft(billable, designer)


def test_invoice_to_the_provider_is_refused(billable, provider, pm):
    with pytest.raises(Refusal):
        draft(Organization.objects.get(pk=provider.pk), pm)


def test_issued_state_survives_attempts_through_the_queryset(billable, pm):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    with pytest.raises(Refusal):
        services.delete_draft(invoice=invoice, by=pm)
    assert Invoice.objects.filter(pk=invoice.pk, state="issued").exists()


@pytest.mark.parametrize(
    "line",
    [
        LineInput("", Decimal(1), Decimal(1), Decimal(20)),
        LineInput("x", Decimal(0), Decimal(1), Decimal(20)),
        LineInput("x", Decimal(-1), Decimal(1), Decimal(20)),
        LineInput("x", Decimal(1), Decimal(-1), Decimal(20)),
        LineInput("x", Decimal(1), Decimal(1), Decimal(120)),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_created(billable, pm, line):
    with pytest.raises(Refusal) as refused:
        draft(billable, pm, lines=[line])
    assert refused.value.code == "lines"
    assert not Invoice.objects.exists()
