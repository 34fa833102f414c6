"""The Factur-X XML (UN/CEFACT CII D16B, EN 16931 profile) of a frozen invoice, its checks, and
its embedding into the PDF/A-3.

The XML is built node by node with lxml from the invoice's stored fields, never by joining
strings. It is checked twice before the invoice is issued: against the Factur-X EN 16931 XSD
shipped with the `factur-x` package (`xml_check_xsd`), then against the EN 16931 business rules
that decide whether the figures hold together (the BR-CO, BR-S, BR-E and header rules below,
read back from the XML itself), and against the official EN 16931 CII schematron that the
`factur-x` package ships compiled to XSLT 2, run in process by Saxon (`saxonche`) instead of the
Saxon server the package itself calls.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
from facturx import generate_from_binary, xml_check_xsd
from lxml import etree

from saveit.core import money

from .models import Invoice

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"

TYPE_CODES: dict[str, str] = {
    Invoice.Kind.DEPOSIT: "386",  # prepayment invoice
    Invoice.Kind.CREDIT_NOTE: "381",
}
INVOICE_TYPE_CODE = "380"
POSTCODE_CITY = re.compile(r"^(\d{5})\s+(.+)$")


class FacturXError(Exception):
    """The XML broke the schema or a business rule: the invoice must not be issued."""


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrs)
    if text is not None:
        node.text = text
    return node


def _amount(value: Decimal) -> str:
    return f"{money.cents(value):f}"


def _date(parent: etree._Element, tag: str, value: date, *, qualified: bool = False) -> None:
    holder = _el(parent, tag)
    _el(
        holder,
        "qdt:DateTimeString" if qualified else "udt:DateTimeString",
        value.strftime("%Y%m%d"),
        format="102",
    )


def category(rate: Decimal, exempt: bool) -> str:
    if exempt:
        return "E"
    return "S" if rate > 0 else "Z"


def split_address(address: str) -> dict[str, str]:
    """French postal addresses as typed: street lines, then "postcode city"."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    postcode = city = ""
    if lines and (match := POSTCODE_CITY.match(lines[-1])):
        postcode, city = match.group(1), match.group(2)
        lines = lines[:-1]
    return {"postcode": postcode, "street": ", ".join(lines), "city": city}


def _party(parent: etree._Element, tag: str, party: dict[str, Any]) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.get("name", ""))
    if party.get("siren"):
        legal = _el(node, "ram:SpecifiedLegalOrganization")
        _el(legal, "ram:ID", party["siren"], schemeID="0002")
    address = split_address(party.get("address", ""))
    postal = _el(node, "ram:PostalTradeAddress")
    if address["postcode"]:
        _el(postal, "ram:PostcodeCode", address["postcode"])
    if address["street"]:
        _el(postal, "ram:LineOne", address["street"])
    if address["city"]:
        _el(postal, "ram:CityName", address["city"])
    _el(postal, "ram:CountryID", "FR")
    if party.get("vat"):
        registration = _el(node, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", party["vat"], schemeID="VA")


def _trade_tax(parent: etree._Element, rate: Decimal, exempt: bool, reason: str) -> Any:
    tax = _el(parent, "ram:ApplicableTradeTax")
    return tax


def build_xml(invoice: Invoice, lines: list[Any], prepaid: Decimal = Decimal(0)) -> bytes:
    """The CII XML of `invoice` (already numbered, totals computed) and its frozen lines."""
    exempt = invoice.vat_exempt
    reason = invoice.terms.get("exemption_mention", "")
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", invoice.number)
    _el(header, "ram:TypeCode", TYPE_CODES.get(invoice.kind, INVOICE_TYPE_CODE))
    assert invoice.issued_on is not None
    _date(header, "ram:IssueDateTime", invoice.issued_on)
    for text in invoice_notes(invoice):
        _el(_el(header, "ram:IncludedNote"), "ram:Content", text)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for position, line in enumerate(lines, start=1):
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(position))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.label)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", _amount(line.unit_price))
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", f"{line.quantity:f}", unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", category(line.vat_rate, exempt))
        _el(tax, "ram:RateApplicablePercent", f"{line.vat_rate:f}")
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line.total_excl))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if invoice.engagement_id:
        _el(agreement, "ram:BuyerReference", invoice.terms.get("engagement_reference", ""))
    _party(agreement, "ram:SellerTradeParty", invoice.seller)
    _party(agreement, "ram:BuyerTradeParty", invoice.buyer)

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if invoice.supplied_on:
        event = _el(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", invoice.supplied_on)

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    if invoice.seller.get("iban") and not invoice.is_credit_note:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:IBANID", invoice.seller["iban"].replace(" ", ""))
    for share in invoice.vat_breakdown:
        rate = Decimal(share["rate"])
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(Decimal(share["amount"])))
        _el(tax, "ram:TypeCode", "VAT")
        if exempt:
            _el(tax, "ram:ExemptionReason", reason)
        _el(tax, "ram:BasisAmount", _amount(Decimal(share["base"])))
        _el(tax, "ram:CategoryCode", category(rate, exempt))
        if not invoice.is_credit_note:
            _el(tax, "ram:DueDateTypeCode", "72")  # VAT due on payment (services)
        _el(tax, "ram:RateApplicablePercent", f"{rate:f}")
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _el(terms, "ram:Description", payment_terms_text(invoice))
    if invoice.due_on and not invoice.is_credit_note:
        _date(terms, "ram:DueDateDateTime", invoice.due_on)
    total = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(total, "ram:LineTotalAmount", _amount(invoice.total_excl))
    _el(total, "ram:TaxBasisTotalAmount", _amount(invoice.total_excl))
    _el(total, "ram:TaxTotalAmount", _amount(invoice.total_vat), currencyID="EUR")
    _el(total, "ram:GrandTotalAmount", _amount(invoice.total_incl))
    if prepaid:
        _el(total, "ram:TotalPrepaidAmount", _amount(prepaid))
    _el(total, "ram:DuePayableAmount", _amount(invoice.total_incl - prepaid))
    if invoice.credited_invoice is not None:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", invoice.credited_invoice.number)
        if invoice.credited_invoice.issued_on:
            _date(
                reference,
                "ram:FormattedIssueDateTime",
                invoice.credited_invoice.issued_on,
                qualified=True,
            )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def payment_terms_text(invoice: Invoice) -> str:
    terms = invoice.terms
    return (
        f"Paiement à réception, au plus tard à {terms.get('payment_days', '30')} jours. "
        f"Pénalités de retard : {terms.get('late_penalty_multiplier', '3')} fois le taux "
        f"d'intérêt légal ; indemnité forfaitaire pour frais de recouvrement : "
        f"{terms.get('recovery_fee', '40')} €."
    )


def invoice_notes(invoice: Invoice) -> list[str]:
    notes = [*invoice.seller.get("mentions", [])]
    if invoice.vat_exempt and invoice.terms.get("exemption_mention"):
        notes.append(invoice.terms["exemption_mention"])
    notes.extend(invoice.mentions)
    return [note for note in notes if note]


# --- Checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleBreach:
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


def _dec(node: etree._Element, path: str) -> Decimal:
    found = node.xpath(path, namespaces=NSMAP)
    return Decimal(found[0].text) if found else Decimal(0)


def _text(node: etree._Element, path: str) -> str:
    found = node.xpath(path, namespaces=NSMAP)
    return (found[0].text or "").strip() if found else ""


def business_rule_breaches(xml: bytes) -> list[RuleBreach]:
    """The EN 16931 rules an invoice of this platform could break, read back from the XML."""
    root = etree.fromstring(xml)
    breaches: list[RuleBreach] = []

    def rule(code: str, ok: bool, detail: str) -> None:
        if not ok:
            breaches.append(RuleBreach(code, detail))

    settle = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    total = f"{settle}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    rule(
        "BR-01",
        _text(
            root,
            "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        )
        != "",
        "specification id",
    )
    rule("BR-02", _text(root, "rsm:ExchangedDocument/ram:ID") != "", "invoice number")
    rule(
        "BR-03",
        _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") != "",
        "issue date",
    )
    rule("BR-04", _text(root, "rsm:ExchangedDocument/ram:TypeCode") != "", "type code")
    rule("BR-05", _text(root, f"{settle}/ram:InvoiceCurrencyCode") != "", "currency")
    rule("BR-06", _text(root, f"{agreement}/ram:SellerTradeParty/ram:Name") != "", "seller name")
    rule("BR-07", _text(root, f"{agreement}/ram:BuyerTradeParty/ram:Name") != "", "buyer name")
    rule(
        "BR-09",
        _text(root, f"{agreement}/ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID") != "",
        "seller country",
    )
    rule(
        "BR-CO-26",
        bool(
            root.xpath(
                f"{agreement}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID | "
                f"{agreement}/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
                namespaces=NSMAP,
            )
        ),
        "seller VAT or legal registration identifier",
    )
    items = root.xpath(
        "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", namespaces=NSMAP
    )
    rule("BR-16", len(items) > 0, "at least one line")
    line_sum = Decimal(0)
    bases: dict[tuple[str, Decimal], Decimal] = {}
    for item in items:
        amount = _dec(
            item,
            "ram:SpecifiedLineTradeSettlement/"
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        )
        price = _dec(
            item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
        )
        quantity = _dec(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
        rule("BR-27", price >= 0, "a line's net price is negative")
        rule("BR-25", _text(item, "ram:SpecifiedTradeProduct/ram:Name") != "", "item name")
        rule(
            "LINE",
            money.cents(price * quantity) == amount,
            f"line amount {amount} is not quantity × price",
        )
        code = _text(
            item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
        )
        rate = _dec(
            item,
            "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent",
        )
        bases[(code, rate)] = bases.get((code, rate), Decimal(0)) + amount
        line_sum += amount
    rule(
        "BR-CO-10",
        line_sum == _dec(root, f"{total}/ram:LineTotalAmount"),
        "sum of line amounts differs from the line total",
    )
    rule(
        "BR-CO-13",
        _dec(root, f"{total}/ram:TaxBasisTotalAmount")
        == _dec(root, f"{total}/ram:LineTotalAmount"),
        "tax basis differs from the line total",
    )
    vat_sum = Decimal(0)
    for tax in root.xpath(f"{settle}/ram:ApplicableTradeTax", namespaces=NSMAP):
        code, rate = _text(tax, "ram:CategoryCode"), _dec(tax, "ram:RateApplicablePercent")
        basis, amount = _dec(tax, "ram:BasisAmount"), _dec(tax, "ram:CalculatedAmount")
        vat_sum += amount
        rule(
            f"BR-{code}-08",
            bases.pop((code, rate), None) == basis,
            f"VAT basis at {rate} % differs from its lines",
        )
        rule(
            f"BR-{code}-09",
            money.cents(basis * rate / 100) == amount,
            f"VAT at {rate} % is not its basis × rate",
        )
        if code == "E":
            rule("BR-E-10", _text(tax, "ram:ExemptionReason") != "", "exemption reason")
    rule("BR-CO-18", not bases, "a VAT category of the lines has no breakdown")
    rule(
        "BR-CO-14",
        vat_sum == _dec(root, f"{total}/ram:TaxTotalAmount"),
        "VAT total differs from the breakdown",
    )
    grand = _dec(root, f"{total}/ram:GrandTotalAmount")
    rule(
        "BR-CO-15",
        grand
        == _dec(root, f"{total}/ram:TaxBasisTotalAmount")
        + _dec(root, f"{total}/ram:TaxTotalAmount"),
        "grand total ≠ basis + VAT",
    )
    rule(
        "BR-CO-16",
        _dec(root, f"{total}/ram:DuePayableAmount")
        == grand - _dec(root, f"{total}/ram:TotalPrepaidAmount"),
        "amount due ≠ total − prepaid",
    )
    if _text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381":
        rule(
            "BR-55",
            _text(root, f"{settle}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID") != "",
            "a credit note names the invoice it corrects",
        )
    return breaches


SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
_schematron_lock = threading.Lock()
_schematron: dict[str, Any] = {}


def _en16931_stylesheet() -> Any:
    """The official EN 16931 CII schematron, compiled to XSLT 2 and shipped inside the
    `factur-x` package, compiled once per process by Saxon (saxonche)."""
    if "executable" not in _schematron:
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        path = Path(facturx.__file__).parent / (
            "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
        )
        compiler = processor.new_xslt30_processor()
        _schematron["processor"] = processor  # keeps the executable's processor alive
        _schematron["executable"] = compiler.compile_stylesheet(stylesheet_file=str(path))
    return _schematron["executable"]


def schematron_failures(xml: bytes) -> list[str]:
    """The failed assertions of the official EN 16931 schematron ("BR-CO-10: …")."""
    with _schematron_lock:  # one Saxon transformation at a time per process
        executable = _en16931_stylesheet()
        document = _schematron["processor"].parse_xml(xml_text=xml.decode())
        report = executable.transform_to_string(xdm_node=document)
    root = etree.fromstring(report.encode())
    return [
        f"{node.get('id') or node.get('test')}: "
        + " ".join(node.xpath("string(svrl:text)", namespaces=SVRL).split())
        for node in root.xpath("//svrl:failed-assert", namespaces=SVRL)
    ]


def check_xml(xml: bytes) -> None:
    """Raise FacturXError unless the XML passes the XSD, the official EN 16931 schematron and
    our own business rules."""
    try:
        xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as error:  # the library raises a bare Exception with the XSD's message
        raise FacturXError(f"XSD: {error}") from error
    if failures := schematron_failures(xml):
        raise FacturXError("EN 16931: " + "; ".join(failures))
    if breaches := business_rule_breaches(xml):
        raise FacturXError("; ".join(str(breach) for breach in breaches))


def embed(pdf: bytes, xml: bytes, *, title: str, seller: str) -> bytes:
    """The PDF/A-3 with `factur-x.xml` attached, its XMP declaring the EN 16931 profile."""
    return bytes(
        generate_from_binary(
            pdf,
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,  # checked just before by check_xml
            pdf_metadata={
                "author": seller,
                "keywords": "Factur-X, facture",
                "title": title,
                "subject": title,
            },
            lang="fr-FR",
        )
    )
