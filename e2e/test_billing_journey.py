"""Journey: from a signed proposal to the deposit invoice, its payment, the delivery note, the
balance invoice and a credit note — each issued as a Factur-X PDF the client downloads.

Uses the demo engagement of Transports Ardent « Conduite des chariots élévateurs, recyclage
2027 »: its proposal is signed and its delivery note awaits the client's signature, nothing is
invoiced yet. Every PDF is checked (PDF/A-3 with factur-x.xml whose figures are the page's) and
kept in var/e2e/ with a PNG of its first page, rendered by the same typst template.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from lxml import etree
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .accessibility import assert_accessible, look
from .support import sign_in_staff, sign_in_with_second_factor, submit
from .test_engagement_to_production import PM, expect_success, sign_next_document

JOURNEY = "billing"
OWNER = "responsable@ardent.demo"
TITLE = "Conduite des chariots élévateurs, recyclage 2027"
INVOICE_URL = re.compile(r"^https?://[^/]+/factures/(\d+)/(\?.*)?$")
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def engagement_id(page: Page) -> int:
    page.goto("/missions/")
    link = page.locator("main a[href^='/missions/']", has_text=TITLE).first
    href = link.get_attribute("href") or ""
    match = re.search(r"/missions/(\d+)/", href)
    assert match, href
    return int(match.group(1))


def post(page: Page, action_suffix: str) -> None:
    form = page.locator(f"main form[action$='{action_suffix}']")
    expect(form).to_have_count(1)
    submit(page, form.locator("button[type='submit']"))


def issue_here(page: Page) -> str:
    """Issues the draft on screen; returns its number."""
    expect(page).to_have_url(INVOICE_URL)
    post(page, "/emettre/")
    expect_success(page)
    number = page.locator("h1").inner_text().split()[0]
    assert re.fullmatch(r"FA-\d{4}-\d{4}", number), number
    return number


def check_pdf(page: Page, number: str, screenshot_dir: Path) -> Decimal:
    """Downloads the invoice's PDF: a PDF/A-3 carrying factur-x.xml with the page's figures."""
    with page.expect_download() as download:
        page.locator("main a[href$='/pdf/']").first.click()
    content = Path(download.value.path()).read_bytes()
    (screenshot_dir / f"{JOURNEY}-{number}.pdf").write_bytes(content)
    reader = PdfReader(io.BytesIO(content))
    assert "factur-x.xml" in reader.attachments
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part>3<" in xmp or b'pdfaid:part="3"' in xmp
    root = etree.fromstring(reader.attachments["factur-x.xml"][0])
    assert root.xpath("//rsm:ExchangedDocument/ram:ID", namespaces=NS)[0].text == number
    grand = root.xpath("//ram:GrandTotalAmount", namespaces=NS)[0].text
    text = " ".join(p.extract_text() for p in reader.pages).replace("\u202f", " ")
    whole, cents = grand.split(".")
    printed = f"{int(whole):,}".replace(",", " ") + f",{cents}"
    assert printed in text.replace("\u00a0", " "), (printed, text[:400])
    return Decimal(grand)


def test_from_signed_proposal_to_credit_note(
    new_context: Callable, shot: Callable, screenshot_dir: Path
) -> None:
    pm = new_context().new_page()
    pm.set_viewport_size({"width": 1366, "height": 900})
    sign_in_staff(pm, PM)
    engagement = engagement_id(pm)

    # 1. The signed proposal gives the deposit invoice (20 % incl. VAT above 2 000 € excl.).
    pm.goto(f"/missions/{engagement}/facturation/")
    post(pm, "/facturation/acompte/")
    expect(pm.locator(".badge-warn")).to_be_visible()  # a draft
    look(pm, shot, "deposit-draft")
    deposit = issue_here(pm)
    deposit_total = check_pdf(pm, deposit, screenshot_dir)
    assert deposit_total == Decimal("648.00")  # 20 % of (1 900 + 2 × 400) × 1,2

    # 2. The client pays it by transfer.
    form = pm.locator("main form[action$='/reglement/']")
    form.locator("select[name='method']").select_option("transfer")
    form.locator("input[name='amount']").fill("648.00")
    submit(pm, form.locator("button[type='submit']"))
    expect_success(pm)
    look(pm, shot, "deposit-paid")

    # 3. The client signs the delivery note.
    owner = new_context().new_page()
    sign_in_with_second_factor(owner, OWNER)
    sign_next_document(owner, TITLE)

    # 4. The balance invoice deducts the deposit; the deadline to invoice it is shown.
    pm.goto(f"/missions/{engagement}/facturation/")
    expect(pm.locator("main .alert-warn")).to_be_visible()
    post(pm, "/facturation/solde/")
    balance = issue_here(pm)
    assert check_pdf(pm, balance, screenshot_dir) == Decimal("2592.00")  # 3 240 − 648
    look(pm, shot, "balance")

    # 5. A credit note corrects the balance invoice, in the same series.
    pm.locator("main textarea[name='reason']").fill("Session de recyclage reportée")
    submit(pm, pm.locator("main form[action$='/avoir/'] button[type='submit']"))
    expect_success(pm)
    note = issue_here(pm)
    assert int(note[-4:]) == int(balance[-4:]) + 1 == int(deposit[-4:]) + 2
    check_pdf(pm, note, screenshot_dir)
    look(pm, shot, "credit-note")

    pm.goto("/creances/")
    look(pm, shot, "receivables")
    pm.goto("/reglements/")
    assert_accessible(pm, "payments")

    # 6. The client owner finds the three documents and downloads them.
    owner.goto("/factures/")
    for number in (deposit, balance, note):
        expect(owner.locator("main tbody td:first-child a", has_text=number)).to_have_count(1)
    look(owner, shot, "client-invoices")
    submit(owner, owner.locator("main tbody td:first-child a", has_text=note))
    expect(owner.locator("main form[action$='/emettre/']")).to_have_count(0)
    check_pdf(owner, note, screenshot_dir)
    assert_accessible(owner, "client credit note")
