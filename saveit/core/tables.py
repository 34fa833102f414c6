"""A table as users export it: CSV (for spreadsheets), XLSX, or a French PDF.

Every dashboard table and list is described once as a `Table` (title, columns, rows of plain
values) and written in the three formats from that description, so the exports never disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .charts.svg import french_number as _chart_number
from .charts.svg import french_percent
from .dates import PARIS, long_date, paris_date
from .money import format_number
from .pdf import render_pdf

# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Past this many rows a PDF stops being readable; the CSV and XLSX carry everything.
PDF_MAX_ROWS = 5000


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Percent:
    """A percentage (99.5 for 99,5 %): a percent cell in a spreadsheet, "≥ 99,5 %" in print.

    `prefix` carries a bound ("≥ ", "≤ ") into both, so a target stays a number."""

    value: float
    places: int = 2
    prefix: str = ""

    def __str__(self) -> str:
        return self.prefix + french_percent(self.value, self.places)


@dataclass(frozen=True)
class Duration:
    """A duration in minutes: an [h]:mm cell in a spreadsheet, "2 h 05" or "45 min" in print."""

    minutes: float
    prefix: str = ""

    def __str__(self) -> str:
        return self.prefix + duration_text(self.minutes)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit ("3,0 working days"): the unit lives in the cell's number format,
    so a spreadsheet still adds and compares the numbers."""

    value: float
    places: int = 0
    unit: str = ""
    prefix: str = ""

    def __str__(self) -> str:
        text = self.prefix + _chart_number(self.value, self.places)
        return f"{text} {self.unit}" if self.unit else text


def duration_text(minutes: float) -> str:
    """125 → "2 h 05", 45 → "45 min" (to the nearest minute)."""
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest:02d}" if hours else f"{rest} min"


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    subtitle: str = ""  # scope and filters, printed under the title of the PDF
    notes: list[str] = field(default_factory=list)


def french_number(value: int | float | Decimal) -> str:
    """12 345,6: the French style of money.py, as many decimals as the value carries."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(number, places)


def display(value: Any) -> str:
    """A value as the PDF prints it (French formats)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int | float | Decimal):
        return french_number(value)
    if isinstance(value, datetime | date):
        return long_date(value)
    return str(value)


def _plain(value: Any) -> Any:
    """A value as a spreadsheet stores it: numbers stay numbers, dates ISO, text safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return paris_date(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return spreadsheet_safe(str(value))


def csv_chunks(table: Table) -> Iterator[str]:
    """CSV text, header first, semicolon-separated as French spreadsheets expect; with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([column.label for column in table.columns])
    yield "\ufeff" + flush()
    for index, row in enumerate(table.rows, start=1):
        writer.writerow([str(_plain(value)).replace(".", ",") if isinstance(value, Decimal | float)
                         else _plain(value) for value in row])  # fmt: skip
        if index % 1000 == 0:
            yield flush()
    yield flush()


# Excel number formats (Excel shows them with the reader's separators: 12 345,60 in French).
XLSX_DATE = "dd/mm/yyyy"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"
XLSX_DURATION = "[h]:mm"  # hours past 24 keep counting: 30:00, not 1 day 06:00


def _literal(text: str) -> str:
    """Text shown as is inside an Excel number format."""
    return '"' + text.replace('"', "") + '"' if text else ""


def _places(places: int) -> str:
    return "." + "0" * places if places > 0 else ""


def _decimal_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" + ("." + "0" * places if places else "")


def xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    """A typed spreadsheet cell: numbers as numbers, dates as dates (Paris time), percentages,
    durations and quantities as numbers in their format, text as text (never a live formula)."""
    number_format = ""
    if value is None:
        value = None
    elif isinstance(value, bool):
        value = int(value)
    elif isinstance(value, Decimal):
        number_format = _decimal_format(value)
    elif isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, PARIS).replace(tzinfo=None)
        number_format = XLSX_DATETIME
    elif isinstance(value, date):
        number_format = XLSX_DATE
    elif isinstance(value, int):
        number_format = "#,##0"
    elif isinstance(value, Percent):
        number_format = _literal(value.prefix) + "0" + _places(value.places) + "%"
        value = value.value / 100
    elif isinstance(value, Duration):
        number_format = _literal(value.prefix) + XLSX_DURATION
        value = timedelta(minutes=value.minutes)  # stored as a fraction of a day
    elif isinstance(value, Quantity):
        unit = _literal(" " + value.unit) if value.unit else ""
        number_format = _literal(value.prefix) + "#,##0" + _places(value.places) + unit
        value = value.value
    elif not isinstance(value, float):
        value = spreadsheet_safe(str(value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text as typed, never a live formula
    if number_format:
        cell.number_format = number_format
    return cell


def add_xlsx_sheet(
    workbook: Workbook, title: str, labels: Iterable[str], rows: Iterable[Sequence[Any]]
) -> None:
    """One sheet of a write-only workbook: the labels in bold, then one typed row per row."""
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    bold = Font(bold=True)
    header = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])


def xlsx_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    add_xlsx_sheet(workbook, table.title, [column.label for column in table.columns], table.rows)
    return xlsx_bytes(workbook)


def to_pdf(table: Table, *, issuer: str = "", chart: str = "") -> bytes:
    """The table as a French PDF (exports follow the documents: always in French)."""
    with override("fr"):
        return _render_pdf(table, issuer=issuer, chart=chart)


def _render_pdf(table: Table, *, issuer: str, chart: str) -> bytes:
    rows: list[list[str]] = []
    truncated = False
    for index, row in enumerate(table.rows):
        if index == PDF_MAX_ROWS:
            truncated = True
            break
        rows.append([display(value) for value in row])
    notes = list(table.notes)
    if truncated:
        notes.append(
            _("Only the first %(n)s rows are printed; the CSV and XLSX exports hold every row.")
            % {"n": french_number(PDF_MAX_ROWS)}
        )
    return render_pdf(
        "table",
        {
            "title": table.title,
            "subtitle": table.subtitle,
            "issuer": issuer,
            "printed_on": long_date(datetime.now().astimezone()),
            "labels": {"page": _("page"), "printed_on": _("Printed on")},
            "chart": chart,
            "columns": [{"label": c.label, "numeric": c.numeric} for c in table.columns],
            "rows": rows,
            "notes": notes,
        },
    )
