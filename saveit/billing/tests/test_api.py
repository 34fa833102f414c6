from __future__ import annotations

import io
import json

from django.contrib import admin
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from saveit.billing import services
from saveit.billing.facturx_xml import NSMAP
from saveit.billing.models import Invoice
from saveit.testing.factories import bearer, make_member, signed_in

from .conftest import complete_identities, draft


def _issued(client, pm):
    return services.issue_invoice(invoice=draft(client, pm), by=pm)


def test_a_client_lists_its_own_issued_invoices_only(billable, provider, other_org, pm, owner):
    mine = _issued(billable, pm)
    draft(billable, pm)  # a draft stays with the provider
    complete_identities(provider, other_org)
    theirs = _issued(other_org, pm)
    response = signed_in(owner).get("/api/v1/invoices")
    assert response.status_code == 200
    rows = response.json()
    assert [row["id"] for row in rows] == [mine.pk]
    row = rows[0]
    assert {"id", "number", "kind", "issued_at", "total_excl_vat", "total_incl_vat"} <= set(row)
    assert row["number"] == mine.number and row["total_incl_vat"] == "2913.39"
    assert signed_in(owner).get(f"/api/v1/invoices/{theirs.pk}").status_code == 404
    assert signed_in(owner).get(f"/api/v1/invoices/{theirs.pk}/pdf").status_code == 404
    assert signed_in(owner).get("/api/v1/invoices/99999999").status_code == 404


def test_learners_and_managers_see_no_invoice(billable, pm, learner, manager):
    invoice = _issued(billable, pm)
    for member in (learner, manager):
        assert signed_in(member).get("/api/v1/invoices").json() == []
        assert signed_in(member).get(f"/api/v1/invoices/{invoice.pk}").status_code == 404


def test_the_pdf_is_factur_x_and_pdf_and_xml_carry_the_same_figures(billable, pm, owner):
    invoice = _issued(billable, pm)
    response = signed_in(owner).get(f"/api/v1/invoices/{invoice.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    assert "factur-x.xml" in reader.attachments
    metadata = reader.xmp_metadata
    assert metadata is not None
    name, xml = get_xml_from_pdf(content, check_xsd=True)
    assert name == "factur-x.xml"
    root = etree.fromstring(xml)

    def value(path):
        return root.xpath(path, namespaces=NSMAP)[0].text

    assert value("//rsm:ExchangedDocument/ram:ID") == invoice.number
    assert (
        value("//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxBasisTotalAmount")
        == "2431.65"
    )
    assert (
        value("//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount")
        == "481.74"
    )
    assert (
        value("//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount")
        == "2913.39"
    )
    assert value("//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == "732829320"
    assert value("//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == "FR96552100554"
    # The printed page shows the same figures, in the French format.
    text = "".join(page.extract_text() for page in reader.pages)
    flat = text.replace("\u202f", " ").replace("\u00a0", " ")
    for figure in ("2 431,65 €", "481,74 €", "2 913,39 €", invoice.number, "552100554"):
        assert figure in flat, figure
    assert "Facture" in text and "40,00 €" in flat


def test_issued_invoices_cannot_be_edited_through_the_api(billable, pm):
    invoice = _issued(billable, pm)
    headers = bearer(pm)
    client = signed_in(pm)
    response = client.patch(
        f"/api/v1/invoices/{invoice.pk}",
        json.dumps({"reason": "autre"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 409 and response.json()["code"] == "issued"
    assert Invoice.objects.get(pk=invoice.pk).reason == ""
    # Django's admin offers no invoice at all (the model also refuses to save an issued row).
    assert Invoice not in admin.site._registry


def test_issue_through_the_api_lists_the_missing_mentions(provider, client_org, pm):
    invoice = draft(client_org, pm)
    response = signed_in(pm).post(f"/api/v1/invoices/{invoice.pk}/issue")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "mentions"
    assert "le SIREN de l'acheteur" in body["missing"]


def test_the_api_drafts_issues_and_credits(billable, pm):
    client = signed_in(pm)
    created = client.post(
        "/api/v1/invoices",
        json.dumps(
            {
                "client_id": billable.pk,
                "kind": "standard",
                "supplied_on": "2026-11-30",
                "lines": [
                    {
                        "label": "Audit",
                        "quantity": "1",
                        "unit_price_excl_vat": "500",
                        "vat_rate": "20",
                    }
                ],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    invoice_id = created.json()["id"]
    issued = client.post(f"/api/v1/invoices/{invoice_id}/issue")
    assert issued.status_code == 200 and issued.json()["total_incl_vat"] == "600.00"
    too_much = client.post(
        f"/api/v1/invoices/{invoice_id}/credit-notes",
        json.dumps(
            {
                "reason": "x",
                "lines": [
                    {
                        "label": "Audit",
                        "quantity": "2",
                        "unit_price_excl_vat": "500",
                        "vat_rate": "20",
                    }
                ],
            }
        ),
        content_type="application/json",
    )
    assert too_much.status_code == 409 and too_much.json()["code"] == "credit_too_large"
    note = client.post(
        f"/api/v1/invoices/{invoice_id}/credit-notes",
        json.dumps({"reason": "Annulation"}),
        content_type="application/json",
    )
    assert note.status_code == 201 and note.json()["kind"] == "credit_note"


def test_a_client_cannot_create_invoices(billable, owner):
    response = signed_in(owner).post(
        "/api/v1/invoices",
        json.dumps(
            {
                "client_id": billable.pk,
                "lines": [
                    {"label": "x", "quantity": "1", "unit_price_excl_vat": "1", "vat_rate": "20"}
                ],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert make_member  # personas come from the shared plugin


def test_payments_through_the_api(billable, pm, owner):
    invoice = _issued(billable, pm)
    client = signed_in(pm)
    body = {
        "client_id": billable.pk,
        "method": "cheque",
        "amount": "100.00",
        "received_on": invoice.issued_on.isoformat(),
        "allocations": [{"invoice_id": invoice.pk, "amount": "100.00"}],
    }
    response = client.post("/api/v1/payments", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    detail = client.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert detail["paid"] == "100.00" and detail["outstanding"] == "2813.39"
    body["allocations"] = [{"invoice_id": invoice.pk, "amount": "5000.00"}]
    body["amount"] = "5000.00"
    too_much = client.post("/api/v1/payments", json.dumps(body), content_type="application/json")
    assert too_much.status_code == 409
    assert signed_in(owner).get("/api/v1/payments").json() == []
    assert (
        signed_in(owner)
        .post("/api/v1/payments", json.dumps(body), content_type="application/json")
        .status_code
        == 404
    )
