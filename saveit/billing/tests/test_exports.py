from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from saveit.billing import services
from saveit.testing.factories import signed_in

from .conftest import draft


def test_sales_journal_vat_by_rate_and_a_balanced_fec(billable, pm, owner):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    services.issue_invoice(
        invoice=services.create_credit_note(invoice=invoice, by=pm, reason="Erreur"), by=pm
    )
    page = signed_in(pm)
    today = timezone.localdate().isoformat()
    query = {"start": today, "end": today}
    csv_text = b"".join(
        page.get(reverse("billing:export", args=["journal", "csv"]), query).streaming_content
    ).decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 3 and "TVA 20" in lines[0] and "TVA 5,5" in lines[0]
    assert "2913,39" in lines[1] and "-2913,39" in lines[2] and "-480,0" in lines[2]
    journal = page.get(reverse("billing:export", args=["journal", "xlsx"]), query)
    first = next(iter(load_workbook(io.BytesIO(journal.content)).active.iter_rows(min_row=2)))
    assert isinstance(first[0].value, datetime.datetime) and first[0].number_format == "dd/mm/yyyy"
    assert isinstance(first[6].value, float) and first[6].number_format == "#,##0.00"
    xlsx = page.get(reverse("billing:export", args=["vat", "xlsx"]), query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1:] == [[5.5, 0.0, 0.0], [20.0, 0.0, 0.0]]  # the credit note cancels it
    fec = b"".join(
        page.get(reverse("billing:export", args=["fec", "txt"]), query).streaming_content
    ).decode()
    rows = [line.split("\t") for line in fec.strip().split("\r\n")]
    assert rows[0][0] == "JournalCode" and len(rows[0]) == 18
    debit = sum(Decimal(r[11].replace(",", ".")) for r in rows[1:])
    credit = sum(Decimal(r[12].replace(",", ".")) for r in rows[1:])
    assert debit == credit == Decimal("5826.78")
    # Clients do not export the provider's books.
    assert signed_in(owner).get(reverse("billing:exports")).status_code == 403
    bad = page.get(reverse("billing:export", args=["journal", "csv"]), {"start": "x"})
    assert bad.status_code == 400
