"""Spreadsheets: Excel workbooks (one section per sheet) and CSV files (one section)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from openpyxl import load_workbook

from .outline import Outline, OutlineBuilder
from .sniff import decode_text, sniff_delimiter

MAX_ROWS = 5000
MAX_COLUMNS = 200
CSV_SECTION = "Tableau"  # stored data, not a message: its anchor must not depend on the language


def parse_xlsx(content: bytes) -> Outline:
    builder = OutlineBuilder("xlsx")
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            if rows := _rows(sheet.iter_rows(values_only=True)):  # empty sheets say nothing
                builder.heading(1, sheet.title)
                builder.table(rows)
    finally:
        workbook.close()
    return builder.build()


def parse_csv(content: bytes) -> Outline:
    text = decode_text(content)
    if text is None:
        raise ValueError("not text")
    builder = OutlineBuilder("csv")
    builder.heading(1, CSV_SECTION)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text) or ";")
    builder.table(_rows(reader))
    return builder.build()


def _rows(rows: Iterable[Iterable[object]]) -> list[list[str]]:
    kept: list[list[str]] = []
    for row in rows:
        cells = [_cell(value) for value, _ in zip(row, range(MAX_COLUMNS), strict=False)]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            kept.append(cells)
            if len(kept) >= MAX_ROWS:
                break
    return kept


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
