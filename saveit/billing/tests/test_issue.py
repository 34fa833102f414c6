from __future__ import annotations

from decimal import Decimal

import pytest
from facturx import get_xml_from_pdf
from lxml import etree

from saveit.billing import services
from saveit.billing.facturx_xml import NSMAP
from saveit.billing.models import FrozenError, Invoice
from saveit.core.errors import Refusal

from .conftest import draft


def test_issue_numbers_freezes_and_embeds_factur_x(billable, pm):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    assert invoice.number.startswith("FA-")
    assert invoice.total_excl == Decimal("2431.65")
    # VAT per rate: 20 % of 2400 = 480 ; 5.5 % of 31.65 = 1.74
    assert invoice.total_vat == Decimal("481.74")
    assert invoice.total_incl == Decimal("2913.39")
    content = invoice.document.file.read()
    name, xml = get_xml_from_pdf(content, check_xsd=True)
    assert name == "factur-x.xml"
    root = etree.fromstring(xml)
    grand = root.xpath("//ram:GrandTotalAmount", namespaces=NSMAP)[0].text
    assert grand == "2913.39"


def test_issued_invoice_cannot_change(billable, pm):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    with pytest.raises(Refusal):
        services.update_draft(invoice=invoice, by=pm, reason="x")
    invoice.reason = "changed"
    with pytest.raises(FrozenError):
        invoice.save()
    with pytest.raises(FrozenError):
        invoice.lines.first().save()
    assert Invoice.objects.get(pk=invoice.pk).reason == ""


def test_the_official_en16931_schematron_passes_our_xml_and_catches_a_wrong_total(billable, pm):
    from lxml import etree

    from saveit.billing import facturx_xml

    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    xml = facturx_xml.build_xml(invoice, list(invoice.lines.order_by("position", "pk")))
    assert facturx_xml.schematron_failures(xml) == []
    root = etree.fromstring(xml)
    grand = root.xpath("//ram:GrandTotalAmount", namespaces=facturx_xml.NSMAP)[0]
    grand.text = "1.00"
    failures = facturx_xml.schematron_failures(etree.tostring(root))
    assert any(f.startswith("BR-CO-15") for f in failures), failures
