"""One XLSX reader (saveit.core.xlsx) for the learner lists and the procedures."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from saveit.core import xlsx
from saveit.documents.ingest import ingest
from saveit.learning.importing import parse_population_file
from saveit.testing import sample_files as samples


def _workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PEOPLE = [
    ["Nom", "Prénom", "E-mail", "Matricule", "Entrée"],
    ["Lefèvre", "Camille", "camille.lefevre@alpha.example", 1234, datetime.datetime(2024, 9, 2)],
    ["Martin", "Noé", "noe.martin@alpha.example", 98.5, datetime.datetime(2024, 9, 2, 8, 30)],
]


def test_rows_come_as_excel_shows_them_sheet_after_sheet():
    content = _workbook(("Équipe", PEOPLE), ("Vide", []), ("Sites", [["Lyon"]]))
    rows = list(xlsx.sheet_rows(content, max_columns=100, dates=True))
    assert [(title, line) for title, line, _cells in rows] == [
        ("Équipe", 1),
        ("Équipe", 2),
        ("Équipe", 3),
        ("Sites", 1),
    ]
    assert rows[1][2][3:] == ["1234", "2024-09-02"]
    assert rows[2][2][3:] == ["98.5", "2024-09-02 08:30:00"]


def test_without_dates_a_date_stays_the_number_excel_stores():
    content = _workbook(("Équipe", PEOPLE))
    rows = list(xlsx.sheet_rows(content, max_columns=100, first_only=True))
    assert rows[1][2][4] == "45537"


def test_the_learner_import_and_the_procedure_reader_read_the_same_cells():
    content = _workbook(("Équipe", PEOPLE), ("Autre", [["ignorée"]]))
    parsed = parse_population_file(content, "equipe.xlsx")
    assert [(r.last_name, r.employee_id) for r in parsed.rows] == [
        ("Lefèvre", "1234"),
        ("Martin", "98.5"),
    ]
    _detected, outline = ingest(content, "equipe.xlsx", max_bytes=10_000_000)
    assert outline.sections[0].blocks[0].rows[1][3:] == ["1234", "2024-09-02"]
    assert [s.title for s in outline.sections] == ["Équipe", "Autre"]


def test_columns_beyond_the_limit_are_ignored():
    content = _workbook(("Large", [[f"c{n}" for n in range(10)]]))
    [(_title, _line, cells)] = xlsx.sheet_rows(content, max_columns=3)
    assert cells == ["c0", "c1", "c2"]


def test_a_part_declaring_entities_is_refused_as_damaged():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheets/></workbook>"
    )
    content = samples.zip_of({"xl/workbook.xml": laughs, "xl/_rels/workbook.xml.rels": b"<x/>"})
    with pytest.raises(xlsx.DamagedWorkbook):
        list(xlsx.sheet_rows(content, max_columns=10))


def test_another_kind_of_zip_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(xlsx.NotAWorkbook):
        list(xlsx.sheet_rows(buffer.getvalue(), max_columns=10))


@pytest.mark.parametrize("dates", [True, False])
def test_the_compiled_reader_and_expat_read_the_same_cells(monkeypatch, dates):
    rows = [*PEOPLE, [], [None, "décalée", True, -3.25, 10**16]]
    content = _workbook(("Équipe", rows), ("Sites", [[None, None, "Lyon"]]))
    compiled = list(xlsx.sheet_rows(content, max_columns=100, dates=dates))
    opened: list[object] = []
    monkeypatch.setattr(xlsx, "_compiled_reader", lambda *args: opened.append(args))
    by_expat = list(xlsx.sheet_rows(content, max_columns=100, dates=dates))
    assert opened  # the second read did go through expat
    if not dates:  # calamine hands 08:30 as a datetime: its serial is rebuilt to 1e-9 day
        assert float(compiled[2][2][4]) == pytest.approx(float(by_expat[2][2][4]), abs=1e-9)
        compiled[2][2][4] = by_expat[2][2][4]  # type: ignore[index]
    assert compiled == by_expat
    assert compiled[-2][2] == ["", "décalée", "1", "-3.25", "1e+16"]


def test_a_part_that_inflates_beyond_its_declared_size_is_refused_before_calamine():
    content = bytearray(_workbook(("Équipe", PEOPLE)))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # The central directory's uncompressed size of the sheet, made smaller than the truth.
    name = content.rfind(b"xl/worksheets/sheet1.xml")  # its central directory entry
    directory = content.rfind(b"PK\x01\x02", 0, name)
    assert directory > 0
    content[directory + 24 : directory + 28] = (info.file_size // 2).to_bytes(4, "little")
    with pytest.raises(xlsx.DamagedWorkbook):
        list(xlsx.sheet_rows(bytes(content), max_columns=10))
