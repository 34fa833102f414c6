from __future__ import annotations

from django.urls import reverse

from saveit.billing import services
from saveit.billing.models import Invoice
from saveit.testing.factories import signed_in

from .conftest import deliver, draft


def test_the_client_owner_sees_its_invoices_in_french_and_downloads_them(billable, pm, owner):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    hidden = draft(billable, pm)
    page = signed_in(owner).get(reverse("billing:invoices"))
    text = page.content.decode()
    assert page.status_code == 200
    assert invoice.number in text and "Factures et avoirs" in text
    assert f"#{hidden.pk}" not in text
    assert "2\u202f913,39\u00a0€" in text
    detail = signed_in(owner).get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert "Télécharger le PDF" in detail and "Émettre" not in detail
    pdf = signed_in(owner).get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xml = signed_in(owner).get(reverse("billing:invoice_xml", args=[invoice.pk]))
    assert b"CrossIndustryInvoice" in xml.content
    assert signed_in(owner).get(reverse("billing:invoice", args=[hidden.pk])).status_code == 404


def test_an_issued_invoice_has_no_edit_page(billable, pm):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    page = signed_in(pm)
    response = page.get(reverse("billing:edit", args=[invoice.pk]))
    assert response.status_code == 409
    assert "ne peut plus changer" in response.content.decode()
    response = page.post(
        reverse("billing:edit", args=[invoice.pk]), {"supplied_on": "2026-01-01", "reason": "x"}
    )
    assert response.status_code == 409
    assert Invoice.objects.get(pk=invoice.pk).supplied_on.isoformat() == "2026-11-30"


def test_issuing_from_the_page_shows_the_missing_mentions_in_french(provider, client_org, pm):
    invoice = draft(client_org, pm)
    response = signed_in(pm).post(reverse("billing:issue", args=[invoice.pk]), follow=True)
    assert "il manque" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).state == "draft"


def test_the_journey_through_the_pages(signed, pm, owner):
    page = signed_in(pm)
    response = page.post(reverse("billing:create_deposit", args=[signed.pk]))
    deposit = Invoice.objects.get(engagement=signed, kind="deposit")
    assert response["Location"] == reverse("billing:invoice", args=[deposit.pk])
    page.post(reverse("billing:issue", args=[deposit.pk]))
    deposit.refresh_from_db()
    assert deposit.is_issued
    page.post(
        reverse("billing:record_payment", args=[deposit.pk]),
        {"method": "transfer", "amount": "660.12", "received_on": deposit.issued_on.isoformat()},
    )
    from saveit.billing import selectors

    assert selectors.outstanding(deposit) == 0
    deliver(signed, pm, owner)
    text = page.get(reverse("billing:engagement", args=[signed.pk])).content.decode()
    assert "le solde doit être facturé" in text
    page.post(reverse("billing:create_balance", args=[signed.pk]))
    balance = Invoice.objects.get(engagement=signed, kind="balance")
    page.post(reverse("billing:issue", args=[balance.pk]))
    page.post(reverse("billing:credit_note", args=[balance.pk]), {"reason": "Remise accordée"})
    note = Invoice.objects.get(credited_invoice=balance)
    page.post(reverse("billing:issue", args=[note.pk]))
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["0001", "0002", "0003"]
    receivables = page.get(reverse("billing:receivables")).content.decode()
    assert "Créances" in receivables or "créances" in receivables
