"""Excel exports carry real numbers and dates (read back with openpyxl), text never a formula."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from saveit.core.tables import Column, Duration, Percent, Quantity, Table, to_xlsx


def test_cells_are_typed_with_french_friendly_formats():
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 2 March in Paris
    table = Table(
        "Essai",
        [Column(k, k) for k in "abcdefgh"],
        [
            [
                Decimal("2400.50"),
                Decimal("12.3"),
                12345,
                datetime.date(2026, 1, 31),
                moment,
                "=HYPERLINK(1)",
                None,
                True,
            ]
        ],
    )
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    cells = next(iter(sheet.iter_rows(min_row=2)))
    money, rate, count, day, when, text, empty, flag = cells
    assert money.value == 2400.5 and money.number_format == "#,##0.00"
    assert rate.value == 12.3 and rate.number_format == "#,##0.0"
    assert count.value == 12345 and count.number_format == "#,##0"
    assert day.value == datetime.datetime(2026, 1, 31) and day.number_format == "dd/mm/yyyy"
    assert when.value == datetime.datetime(2026, 3, 2, 0, 30)  # Paris wall time
    assert when.number_format == "dd/mm/yyyy hh:mm"
    assert text.value == "'=HYPERLINK(1)" and text.data_type == "s"
    assert empty.value is None and flag.value == 1


def test_percentages_durations_and_quantities_stay_numbers_in_their_format():
    table = Table(
        "Essai",
        [Column(k, k) for k in "abc"],
        [[Percent(99.5, 1, "≥ "), Duration(125, "≤ "), Quantity(3, 1, "jours ouvrés")]],
    )
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    percent, duration, quantity = next(iter(sheet.iter_rows(min_row=2)))
    assert percent.value == 0.995 and percent.number_format == '"≥ "0.0%'
    assert (
        duration.value == datetime.timedelta(minutes=125) and duration.number_format == '"≤ "[h]:mm'
    )
    assert quantity.value == 3 and quantity.number_format == '#,##0.0" jours ouvrés"'
    # Printed (PDF, screen) in French, with the same bound and unit.
    assert str(Percent(99.5, 1, "≥ ")) == "≥ 99,5\u00a0%"
    assert str(Duration(125, "≤ ")) == "≤ 2 h 05" and str(Duration(45)) == "45 min"
    assert str(Quantity(3, 1, "jours ouvrés")) == "3,0 jours ouvrés"
