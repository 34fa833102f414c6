"""Spreadsheets: Excel workbooks (one section per sheet) and CSV files (one section)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from itertools import groupby

from saveit.core.xlsx import sheet_rows

from .outline import Outline, OutlineBuilder
from .sniff import decode_text, sniff_delimiter

MAX_ROWS = 5000
MAX_COLUMNS = 200
CSV_SECTION = "Tableau"  # stored data, not a message: its anchor must not depend on the language


def parse_xlsx(content: bytes) -> Outline:
    """One section per sheet, its rows as a table; cells as Excel shows them (dates in ISO)."""
    builder = OutlineBuilder("xlsx")
    rows = sheet_rows(content, max_columns=MAX_COLUMNS, dates=True)
    try:
        for title, lines in groupby(rows, key=lambda row: row[0]):
            if table := _rows(cells for _title, _line, cells in lines):  # empty sheets say nothing
                builder.heading(1, title)
                builder.table(table)
    finally:
        rows.close()
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


def _rows(rows: Iterable[Iterable[str]]) -> list[list[str]]:
    kept: list[list[str]] = []
    for row in rows:
        cells = [value.strip() for value, _ in zip(row, range(MAX_COLUMNS), strict=False)]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            kept.append(cells)
            if len(kept) >= MAX_ROWS:
                break
    return kept
