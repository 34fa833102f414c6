"""Reading Excel workbooks (XLSX), written once: the learner lists and the procedures use it.

openpyxl's read-only mode needs 10 to 15 s for 100 000 rows on the reference machine (it parses
through defusedxml's pure-Python expat front end when defusedxml is installed, and still 7 to
9 s without it), far beyond the budget of a learner import. The archive goes through the upload
checks (saveit.core.uploads) before anything is inflated, and the workbook part and its
relationships are read with expat, refusing any DTD as defusedxml does.

The cells are then read by calamine (python-calamine, a compiled reader: 0.65 s for 100 000
rows where expat takes 1.5 s, issue 22), once every part has been inflated to exactly its
declared size, so that calamine meets no zip bomb; its XML parser expands no entity. A workbook
calamine cannot open (some hand-made or unusual producers' files) is read with expat directly,
from the few parts that hold the rows. Either way cells come back as text: numbers without a
useless ".0", dates (when asked) in ISO form, as people read them in Excel; without `dates`, a
date is the number Excel stores. Blank rows may be left out.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator, Sequence
from xml.parsers import expat

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, SheetTypeEnum

from . import uploads

Numbered = tuple[int, Sequence[str]]  # a row number and the cells of that row
DIGITS = "0123456789"

# Number formats Excel shows as dates or times: its built-in ones, and any custom format that
# writes days, months, years, hours or seconds outside quoted text and [colours].
BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_DATE_CODES = re.compile(r"[dmyhs]", re.IGNORECASE)
EPOCH_1900 = datetime.datetime(1899, 12, 30)  # Excel's day 0, its 1900 leap-year bug included
EPOCH_1904 = datetime.datetime(1904, 1, 1)


class NotAWorkbook(Exception):
    """A zip archive that is no Excel workbook (a Word or OpenDocument file…)."""


class DamagedWorkbook(Exception):
    """The workbook cannot be read: damaged, incomplete or malformed."""


READ_ERRORS = (
    expat.ExpatError,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,  # a part named by the workbook is missing
    IndexError,  # a shared string that does not exist
    ValueError,  # a row or string number that is not a number
    EOFError,
    OSError,
    RuntimeError,  # an encrypted zip entry
    NotImplementedError,  # an unknown compression method
    CalamineError,
)
_INFLATE_CHUNK = 1 << 20


def sheet_rows(
    content: bytes, *, max_columns: int, first_only: bool = False, dates: bool = False
) -> Generator[tuple[str, int, Sequence[str]]]:
    """(sheet title, row number, cells) of each row, sheet after sheet (the first one only if
    asked); blank rows may be left out, cells beyond `max_columns` are ignored.

    Raises NotAWorkbook, DamagedWorkbook, or the upload checks' Refusal (zip bomb).
    """
    archive = _open_workbook(content)
    try:
        workbook = _Workbook.read(archive, dates=dates, cells=False)
        compiled = _compiled_reader(archive, content)
        if compiled is not None:
            archive.close()
            yield from _compiled_rows(compiled, workbook, max_columns, first_only, dates)
            return
        workbook = _Workbook.read(archive, dates=dates)
        for title, path in workbook.sheets[:1] if first_only else workbook.sheets:
            for line, cells in _sheet_lines(archive, path, workbook, max_columns):
                yield title, line, cells
    except READ_ERRORS as error:
        raise DamagedWorkbook from error
    finally:
        archive.close()


def _open_workbook(content: bytes) -> zipfile.ZipFile:
    """The workbook's archive, refusing zip bombs on their declared sizes (zipfile never
    inflates an entry beyond its declared size) and zips of another kind."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise DamagedWorkbook from error
    try:
        uploads.check_zip_entries(archive.infolist())
        if "xl/workbook.xml" not in archive.NameToInfo:
            raise NotAWorkbook
    except BaseException:
        archive.close()
        raise
    return archive


class _Workbook:
    """What rows need from the workbook: its sheets, shared strings and date styles."""

    def __init__(
        self,
        namespace: str,
        sheets: list[tuple[str, str]],
        shared: list[str],
        date_styles: frozenset[str],
        epoch: datetime.datetime,
    ) -> None:
        self.namespace = namespace  # transitional or strict OOXML
        self.sheets = sheets  # (title, part path), in the workbook's order
        self.shared = shared
        self.date_styles = date_styles  # the cell style numbers that show a date
        self.epoch = epoch

    @classmethod
    def read(cls, archive: zipfile.ZipFile, *, dates: bool, cells: bool = True) -> _Workbook:
        """`cells`: also the shared strings and date styles the expat reader needs."""
        workbook = _elements(archive.read("xl/workbook.xml"))
        namespace = workbook[0][0].rpartition(" ")[0]
        relationships = {
            attributes.get("Id"): attributes
            for name, attributes in _elements(archive.read("xl/_rels/workbook.xml.rels"))
            if name.endswith(" Relationship")
        }
        sheets = [
            (attributes.get("name", ""), _part_path(relationships[rid]["Target"]))
            for name, attributes in workbook
            if name == f"{namespace} sheet"
            for key, rid in attributes.items()
            if key.endswith(" id")  # r:id, whichever relationships namespace
        ]
        strings = next(
            (
                _part_path(target["Target"])
                for target in relationships.values()
                if target.get("Type", "").endswith("/sharedStrings")
            ),
            None,
        )
        shared = _shared_strings(archive, strings, namespace) if strings and cells else []
        date_styles: frozenset[str] = frozenset()
        if dates and cells:
            date_styles = _date_styles(archive, namespace)
        epoch = EPOCH_1900
        properties = [a for n, a in workbook if n == f"{namespace} workbookPr"]
        if properties and properties[0].get("date1904") in ("1", "true"):
            epoch = EPOCH_1904
        return cls(namespace, sheets, shared, date_styles, epoch)

    def date_text(self, serial: str) -> str:
        # To the nearest second: a serial is a float, 08:30 may be stored as 08:29:59.9999.
        moment = self.epoch + datetime.timedelta(seconds=round(float(serial) * 86400))
        if moment.time() == datetime.time():
            return moment.date().isoformat()
        return str(moment)


def _part_path(target: str) -> str:
    return posixpath.normpath(target[1:] if target.startswith("/") else f"xl/{target}")


def _elements(xml: bytes) -> list[tuple[str, dict[str, str]]]:
    """Every element of a small part, in document order: (namespace + " " + name, attributes)."""
    found: list[tuple[str, dict[str, str]]] = []
    parser = _safe_parser()
    parser.StartElementHandler = lambda name, attributes: found.append((name, attributes))
    parser.Parse(xml, True)
    if not found:
        raise expat.ExpatError("no element")
    return found


def _safe_parser() -> expat.XMLParserType:
    """Office parts never carry a DTD: refusing one rules out entity tricks (billion laughs,
    external entities), which is all defusedxml does for expat."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _refuse_dtd(*_args: object) -> None:
    raise expat.ExpatError("a document type declaration")


def _date_styles(archive: zipfile.ZipFile, namespace: str) -> frozenset[str]:
    """The numbers of the cell styles (cellXfs) whose number format shows a date or a time."""
    if "xl/styles.xml" not in archive.NameToInfo:
        return frozenset()
    custom: dict[str, bool] = {}
    styles: list[bool] = []
    in_cell_formats = False

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal in_cell_formats
        if name == f"{namespace} numFmt":
            code = _FORMAT_LITERALS.sub("", attributes.get("formatCode", ""))
            custom[attributes.get("numFmtId", "")] = bool(_DATE_CODES.search(code))
        elif name == f"{namespace} cellXfs":
            in_cell_formats = True
        elif name == f"{namespace} xf" and in_cell_formats:
            number = attributes.get("numFmtId", "0")
            styles.append(
                custom[number] if number in custom else int(number) in BUILTIN_DATE_FORMATS
            )

    def end(name: str) -> None:
        nonlocal in_cell_formats
        if name == f"{namespace} cellXfs":
            in_cell_formats = False

    for _chunk in _parse_part(archive, "xl/styles.xml", start, end, lambda _data: None):
        pass
    return frozenset(str(index) for index, is_date in enumerate(styles) if is_date)


def _parse_part(
    archive: zipfile.ZipFile,
    path: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None],
) -> Iterator[None]:
    """Stream one part through expat, pausing after each chunk so the caller can hand on rows."""
    parser = _safe_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
            yield
    parser.Parse(b"", True)
    yield


def _shared_strings(archive: zipfile.ZipFile, path: str, namespace: str) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    item, run_text, phonetic = f"{namespace} si", f"{namespace} t", f"{namespace} rPh"
    capturing = in_phonetic = False

    def start(name: str, _attributes: dict[str, str]) -> None:
        nonlocal capturing, in_phonetic
        if name == run_text:
            capturing = not in_phonetic  # the phonetic reading of Japanese names is not text
        elif name == item:
            parts.clear()
        elif name == phonetic:
            in_phonetic = True

    def end(name: str) -> None:
        nonlocal capturing, in_phonetic
        if name == run_text:
            capturing = False
        elif name == item:
            strings.append("".join(parts))
        elif name == phonetic:
            in_phonetic = False

    def text(data: str) -> None:
        if capturing:
            parts.append(data)

    for _chunk in _parse_part(archive, path, start, end, text):
        pass
    return strings


def _sheet_lines(  # one closure per expat event kind: this runs for every cell of the file
    archive: zipfile.ZipFile, path: str, workbook: _Workbook, max_columns: int
) -> Iterator[Numbered]:
    done: list[Numbered] = []
    cells: list[str] = []
    parts: list[str] = []
    row, cell, value, run_text, phonetic = (
        f"{workbook.namespace} {name}" for name in ("row", "c", "v", "t", "rPh")
    )
    shared, date_styles = workbook.shared, workbook.date_styles
    line = column = 0
    columns = _COLUMNS
    kind: str | None = None
    style: str | None = None
    capturing = in_phonetic = False

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal line, column, kind, style, cells, capturing, in_phonetic
        if name == cell:
            reference = attributes.get("r")
            if reference is None:
                column = len(cells)
            elif (column := columns.get(reference.rstrip(DIGITS), -1)) < 0:
                column = _column_index(reference)
            kind = attributes.get("t")
            if date_styles:
                style = attributes.get("s")
            parts.clear()
        elif name == value:
            capturing = True
        elif name == run_text:
            capturing = not in_phonetic
        elif name == row:
            number = attributes.get("r")
            line = int(number) if number else line + 1
            cells = []
        elif name == phonetic:
            in_phonetic = True

    def end(name: str) -> None:
        nonlocal capturing, in_phonetic
        capturing = False  # text is only ever read straight inside <v> or <t>: no children
        if name == cell:
            if column < max_columns:
                content = "".join(parts)
                if kind == "s":
                    content = shared[int(content)]
                elif kind is None or kind == "n":
                    if style in date_styles and content:
                        content = workbook.date_text(content)
                    else:
                        content = _number_text(content)
                if column > len(cells):
                    cells.extend([""] * (column - len(cells)))
                if column == len(cells):
                    cells.append(content)
                else:
                    cells[column] = content
        elif name == row:
            done.append((line, cells))
        elif name == phonetic:
            in_phonetic = False

    def text(data: str) -> None:
        if capturing:
            parts.append(data)

    for _chunk in _parse_part(archive, path, start, end, text):
        yield from done
        done.clear()


def _column_index(reference: str) -> int:
    """0 for "A12", 27 for "AB3"."""
    letters = reference.rstrip(DIGITS)
    index = _COLUMNS.get(letters)
    if index is None:
        if not (0 < len(letters) <= 3 and letters.isascii() and letters.isupper()):
            raise ValueError(f"not a cell reference: {reference[:20]!r}")
        index = -1
        for letter in letters:
            index = (index + 1) * 26 + ord(letter) - ord("A")
        _COLUMNS[letters] = index
    return index


_COLUMNS: dict[str, int] = {}  # at most 18 278 entries: every one to three letter name


def _number_text(text: str) -> str:
    """Excel stores every number as a float: an employee id typed 1234 comes back "1234"."""
    if text.isdigit() or not text:
        return text
    return _float_text(float(text))


def _compiled_reader(archive: zipfile.ZipFile, content: bytes) -> CalamineWorkbook | None:
    """calamine's reader of the workbook, once every part has inflated to exactly its declared
    size (zipfile stops there and checks the CRC); None if calamine cannot open it."""
    for info in archive.infolist():
        with archive.open(info) as stream:
            while stream.read(_INFLATE_CHUNK):
                pass
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except CalamineError:
        return None


def _compiled_rows(
    book: CalamineWorkbook, workbook: _Workbook, max_columns: int, first_only: bool, dates: bool
) -> Iterator[tuple[str, int, Sequence[str]]]:
    try:
        sheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        for title in sheets[:1] if first_only else sheets:
            sheet = book.get_sheet_by_name(title)
            for line, cells in _compiled_lines(sheet, max_columns, dates, workbook.epoch):
                yield title, line, cells
    finally:
        book.close()


def _compiled_lines(
    sheet: CalamineSheet, max_columns: int, dates: bool, epoch: datetime.datetime
) -> Iterator[Numbered]:
    """The sheet's non-blank rows. calamine gives rows from the first one of the sheet, their
    cells from the first column used: the columns before it are put back."""
    start = sheet.start
    if start is None:  # an empty sheet
        return
    lead = [""] * start[1]
    for index, values in enumerate(sheet.iter_rows()):
        cells = [*lead, *(_cell_text(v, dates, epoch) for v in values)][:max_columns]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield index + 1, cells


def _cell_text(value: object, dates: bool, epoch: datetime.datetime) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"  # as the cell stores it
    if isinstance(value, int | float):
        return _float_text(float(value))
    moment = _moment(value, epoch)
    if moment is None:
        return str(value)
    if not dates:
        return _float_text((moment - epoch) / datetime.timedelta(days=1))
    # To the nearest second: a serial is a float, 08:30 may be stored as 08:29:59.9999.
    moment = (moment + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)
    if moment.time() == datetime.time():
        return moment.date().isoformat()
    return str(moment)


def _moment(value: object, epoch: datetime.datetime) -> datetime.datetime | None:
    """A date, time or duration cell as the moment its serial number stands for."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, datetime.time):
        return datetime.datetime.combine(epoch.date(), value)
    if isinstance(value, datetime.timedelta):
        return epoch + value
    return None


def _float_text(number: float) -> str:
    """A number as Excel shows it: no useless ".0" below 10**15."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return str(number)
