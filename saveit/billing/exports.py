"""Exports for the accountant (SPEC §13): the sales journal of a period (CSV/XLSX), the VAT
collected by rate, and an FEC-style file (the French « fichier des écritures comptables »
layout, art. A47 A-1 of the Livre des procédures fiscales), built from issued invoices only.

Credit notes count negatively in the journal and the VAT table, and reverse their entries in
the FEC file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from saveit.core import money
from saveit.core.tables import Column, Table

from .models import Invoice

SALES_ACCOUNT = ("706000", "Prestations de services")
VAT_ACCOUNT = "445710"
CLIENT_ACCOUNT = ("411000", "Clients")
FEC_COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)


def issued_between(invoices: QuerySet[Invoice], start: date, end: date) -> QuerySet[Invoice]:
    return (
        invoices.filter(state=Invoice.State.ISSUED, issued_on__gte=start, issued_on__lte=end)
        .select_related("client", "credited_invoice")
        .order_by("number")
    )


def _sign(invoice: Invoice) -> Decimal:
    return Decimal(-1) if invoice.is_credit_note else Decimal(1)


def _rates(invoices: list[Invoice]) -> list[Decimal]:
    return sorted({Decimal(share["rate"]) for i in invoices for share in i.vat_breakdown})


def sales_journal(invoices: QuerySet[Invoice], start: date, end: date) -> Table:
    rows = list(issued_between(invoices, start, end))
    rates = _rates(rows)
    columns = [
        Column("issued_on", _("Date of issue")),
        Column("number", _("Number")),
        Column("kind", _("Kind")),
        Column("corrects", _("Corrected invoice")),
        Column("client", _("Client")),
        Column("siren", _("SIREN")),
        Column("excl", _("Total excl. VAT"), numeric=True),
        *[
            Column(f"vat_{rate}", _("VAT %(rate)s") % {"rate": money.format_rate(rate)}, True)
            for rate in rates
        ],
        Column("vat", _("Total VAT"), numeric=True),
        Column("incl", _("Total incl. VAT"), numeric=True),
        Column("due_on", _("Due on")),
    ]

    def lines() -> Iterator[list[object]]:
        for invoice in rows:
            sign = _sign(invoice)
            by_rate = {Decimal(s["rate"]): Decimal(s["amount"]) for s in invoice.vat_breakdown}
            yield [
                invoice.issued_on,
                invoice.number,
                invoice.get_kind_display(),
                invoice.credited_invoice.number if invoice.credited_invoice else "",
                invoice.buyer.get("name", invoice.client.name),
                invoice.buyer.get("siren", ""),
                sign * invoice.total_excl,
                *[sign * by_rate.get(rate, money.ZERO) for rate in rates],
                sign * invoice.total_vat,
                sign * invoice.total_incl,
                invoice.due_on if not invoice.is_credit_note else None,
            ]

    period = _("from %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
    return Table(title=_("Sales journal"), columns=columns, rows=lines(), subtitle=period)


def vat_by_rate(invoices: QuerySet[Invoice], start: date, end: date) -> Table:
    totals: dict[Decimal, list[Decimal]] = {}
    for invoice in issued_between(invoices, start, end):
        sign = _sign(invoice)
        for share in invoice.vat_breakdown:
            row = totals.setdefault(Decimal(share["rate"]), [money.ZERO, money.ZERO])
            row[0] += sign * Decimal(share["base"])
            row[1] += sign * Decimal(share["amount"])
    return Table(
        title=_("VAT collected by rate"),
        columns=[
            Column("rate", _("VAT rate (%)"), numeric=True),
            Column("base", _("Taxable base"), numeric=True),
            Column("vat", _("VAT"), numeric=True),
        ],
        rows=[[rate, base, vat] for rate, (base, vat) in sorted(totals.items())],
    )


def _fec_amount(value: Decimal) -> str:
    return f"{money.cents(value):f}".replace(".", ",")


def fec_lines(invoices: QuerySet[Invoice], start: date, end: date) -> Iterator[str]:
    """Tab-separated FEC entries: client debit, sales and VAT credits, per invoice."""
    yield "\t".join(FEC_COLUMNS) + "\r\n"
    for number, invoice in enumerate(issued_between(invoices, start, end), start=1):
        assert invoice.issued_on is not None and invoice.issued_at is not None
        day = invoice.issued_on.strftime("%Y%m%d")
        valid = invoice.issued_at.strftime("%Y%m%d")
        client_code = f"C{invoice.client_id:05d}"
        label = f"{invoice.get_kind_display()} {invoice.number}"[:100]
        entries = [(CLIENT_ACCOUNT[0], CLIENT_ACCOUNT[1], client_code, invoice.total_incl, True)]
        for share in invoice.vat_breakdown:
            entries.append((SALES_ACCOUNT[0], SALES_ACCOUNT[1], "", Decimal(share["base"]), False))
            if Decimal(share["amount"]):
                rate = money.format_rate(Decimal(share["rate"])).replace("\u00a0", " ")
                entries.append(
                    (VAT_ACCOUNT, f"TVA collectée {rate}", "", Decimal(share["amount"]), False)
                )
        for account, account_label, aux, amount, debit in entries:
            if invoice.is_credit_note:
                debit = not debit
            yield (
                "\t".join(
                    [
                        "VE",
                        "Ventes",
                        f"VE{number:06d}",
                        day,
                        account,
                        account_label,
                        aux,
                        invoice.buyer.get("name", "") if aux else "",
                        invoice.number,
                        day,
                        label,
                        _fec_amount(amount) if debit else "0,00",
                        "0,00" if debit else _fec_amount(amount),
                        "",
                        "",
                        valid,
                        "",
                        "",
                    ]
                )
                + "\r\n"
            )
